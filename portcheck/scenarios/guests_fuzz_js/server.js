// The JavaScript twin of the server-requests echo guest (guests_fuzz/server.py), as a fetch-event
// server: it answers with what the Request shows (method, URL, every Headers entry and get(), the
// body), and, for a request with a portcheck-instruction header, builds the Response as told
// (status, header lines appended one by one with each refusal noted, a Content-Length, a body),
// or throws before responding. (A Response has no trailers, error-codes or unfinished bodies.)
import { kind, q, showBody, showHeaders } from './show.js';

const INSTRUCTION = 'portcheck-instruction';
const ALIVE_PATH = '/portcheck/fuzz/alive';
const bytes = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

async function answer(request) {
  const lines = [];
  const say = (line) => lines.push(line);
  const url = new URL(request.url);
  if (url.pathname === ALIVE_PATH) return new Response('alive\n');
  say(`method: ${q(request.method)}`);
  say(`url: ${q(request.url)}`);
  const given = request.headers.get(INSTRUCTION);
  const shown = new Headers(request.headers);
  shown.delete(INSTRUCTION);
  showHeaders(shown, say);
  await showBody(request, say);
  if (given === null) {
    return new Response(lines.join('\n') + '\n', { headers: { 'content-type': 'text/plain' } });
  }
  const instruction = JSON.parse(given);
  if (instruction.outcome === 'trap-before') throw new Error('the instruction asked for a throw before responding');
  const headers = new Headers();
  for (const [name, value] of instruction.headers ?? []) {
    try {
      headers.append(name, value);
    } catch (error) {
      say(`append ${q(name)}: ${kind(error)}`);
    }
  }
  const text = lines.join('\n') + '\n';
  const body = new Uint8Array([...bytes(text), ...bytes(instruction.body ?? '')]);
  const declared = instruction.content_length;
  if (declared !== undefined) {
    headers.set('content-length', String(body.length + (declared === 'exact' ? 0 : Number(declared))));
  }
  try {
    return new Response(body, { status: instruction.status ?? 200, headers });
  } catch (error) {
    return new Response(`${text}response: ${kind(error)}\n`, { status: 200 });
  }
}

addEventListener('fetch', (event) => event.respondWith(answer(event.request)));
