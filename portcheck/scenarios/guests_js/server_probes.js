// The JavaScript server component: every JS server probe, chosen per request by PORTCHECK_PROBE.
//
// Written as a fetch-event server, the way most JavaScript servers for componentize-js are
// written. (Exporting `incomingHandler` instead would turn StarlingMonkey's fetch event off.)
// StarlingMonkey 0.23.0 can answer one fetch event per instance, so on an engine that serves
// every request from one instance, requests after the first get no response: the twins keep
// that visible rather than work around it.
import * as basic from './server_basic.js';
import { env } from './util.js';

const HANDLERS = { ...basic };

addEventListener('fetch', (event) => {
  const name = env().PORTCHECK_PROBE;
  const handler = HANDLERS[name];
  if (!handler) throw new Error(`unknown probe ${name}`);
  // A synchronous throw (fails_first) leaves the listener before respondWith is called.
  event.respondWith(handler(event.request));
});
