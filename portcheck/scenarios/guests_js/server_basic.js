// Server probes as fetch-event handlers (request in, Response or Promise of one out): the
// JavaScript twins of portcheck's Python server probes.
import { plain, repr } from './util.js';

// Requests this instance has handled (instance_reuse): a fresh instance starts at 0.
let handled = 0;

/** A fixed status, headers and body, whatever the request. */
export function fixed(request) {
  return new Response('created by the handler\n', {
    status: 201,
    headers: [['Content-Type', 'text/plain'], ['X-Portcheck', 'fixed']],
  });
}

/** Three Set-Cookie and two X-Order, appended in this order. */
export function repeated_headers(request) {
  const headers = new Headers();
  headers.append('Set-Cookie', 'a=1; Path=/');
  headers.append('Set-Cookie', 'b=2; Path=/');
  headers.append('X-Order', 'first');
  headers.append('Set-Cookie', 'c=3; Path=/');
  headers.append('X-Order', 'second');
  return new Response('cookies\n', { status: 200, headers });
}

/** The method, path with query, every request header (Headers iteration: sorted, combined) and the body. */
export async function echo(request) {
  const url = new URL(request.url);
  const lines = [`method: ${request.method}`, `path: ${url.pathname}${url.search}`];
  for (const [name, value] of request.headers) lines.push(`header ${name}: ${value}`);
  lines.push(`body: ${repr(await request.text())}`);
  return plain(lines.join('\n') + '\n');
}

/** Throws before responding on /fail; answers normally otherwise. */
export function fails_first(request) {
  if (new URL(request.url).pathname === '/fail') throw new Error('handler failed before responding');
  return plain('still serving\n');
}

/** Counts requests in a module-level variable: 1 every time if each request gets a fresh instance. */
export function instance_reuse(request) {
  handled += 1;
  return plain(`requests seen by this instance: ${handled}\n`);
}
