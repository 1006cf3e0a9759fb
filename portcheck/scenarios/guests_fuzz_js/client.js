// The JavaScript twin of the client-messages guest (guests_fuzz/client.py): each case's request is
// sent with fetch(), and what the Response shows is printed: status, every Headers entry, get() of
// each name (getSetCookie() for Set-Cookie), the body read whole and how reading ended, or what
// fetch() rejected with. (fetch() shows no trailers.) StarlingMonkey is the engine under test.
import { kind, q, runCases, showBody, showHeaders } from './show.js';

const bytes = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

async function exchange(found, origin) {
  const say = (line) => console.log(line);
  const headers = new Headers();
  for (const [name, value] of found.headers ?? []) {
    try {
      headers.append(name, value);
    } catch (error) {
      say(`append ${q(name)}: ${kind(error)}`);
    }
  }
  const init = { method: found.method ?? 'GET', headers };
  if (found.body) init.body = bytes(found.body);
  const limit = found.between_bytes_ms ?? found.first_byte_ms;
  let timer;
  if (limit !== undefined) {
    const controller = new AbortController();
    timer = setTimeout(() => controller.abort(), limit * 2);
    init.signal = controller.signal;
  }
  try {
    let response;
    try {
      response = await fetch(`${origin}${found.path ?? '/'}`, init);
    } catch (error) {
      say(`response: ${kind(error)}`);
      return;
    }
    say(`status: ${response.status}`);
    showHeaders(response.headers, say);
    await showBody(response, say);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export const run = {
  async run() {
    try {
      await runCases(exchange);
    } catch (error) {
      console.log(`guest raised: ${kind(error)}`);
      throw error;
    }
  },
};
