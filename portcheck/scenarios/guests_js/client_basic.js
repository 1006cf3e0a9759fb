// Client probes through fetch() and Headers: the JavaScript twins of portcheck's Python client probes.
import { origin, printResponse, repr } from './util.js';

/** GET a resource and print status, content-type and body. */
export async function get_basic() {
  await printResponse(await fetch(`${origin()}/greeting`), ['content-type']);
}

/** Every Set-Cookie through getSetCookie(), X-Order through get(), then the headers' iteration. */
export async function repeated_response_headers() {
  const response = await fetch(`${origin()}/cookies`);
  await printResponse(response, ['set-cookie', 'x-order']);
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie' || name === 'x-order') console.log(`entry ${name}: ${value}`);
  }
}

/** Two X-Dup and two Cookie lines appended to a Headers: what get() returns, then what is sent. */
export async function repeated_request_headers() {
  const headers = new Headers();
  headers.append('X-Dup', 'one');
  headers.append('Cookie', 'a=1');
  headers.append('X-Dup', 'two');
  headers.append('Cookie', 'b=2');
  console.log(`get x-dup: ${headers.get('x-dup')}`);
  console.log(`get cookie: ${headers.get('cookie')}`);
  await printResponse(await fetch(`${origin()}/dup`, { headers }));
}

/** The origin is a port that refuses connections: what fetch() rejects with. */
export async function connection_refused() {
  try {
    const response = await fetch(`${origin()}/`);
    console.log(`unexpected response: ${response.status}`);
  } catch (error) {
    console.log(`fetch rejected: ${error?.name}: ${error?.message}`);
  }
}

/** HEAD then DELETE the same resource; HEAD's body must be empty. */
export async function head_and_delete() {
  for (const verb of ['HEAD', 'DELETE']) {
    console.log(`--- ${verb}`);
    const body = await printResponse(await fetch(`${origin()}/resource`, { method: verb }), ['content-length']);
    console.log(`body length: ${body.length}`);
  }
}

/** POST, PUT and PATCH a JSON body with Content-Type and a custom header. */
export async function body_methods() {
  for (const verb of ['POST', 'PUT', 'PATCH']) {
    console.log(`--- ${verb}`);
    const headers = { 'Content-Type': 'application/json', 'X-Portcheck-Probe': verb.toLowerCase() };
    const body = `{"method": "${verb}", "n": 1}`;
    await printResponse(await fetch(`${origin()}/items/${verb.toLowerCase()}`, { method: verb, headers, body }));
  }
}

/** new Request with PURGE, mixed-case pAtCh, then strings that are not methods (a space, empty, a slash). */
export async function custom_methods() {
  for (const method of ['PURGE', 'pAtCh', 'BAD METHOD', '', 'GET/1']) {
    let request;
    try {
      request = new Request(`${origin()}/method`, { method });
    } catch (error) {
      console.log(`new Request, method ${repr(method)}: ${error.name}`);
      continue;
    }
    console.log(`new Request, method ${repr(method)}: ok`);
    console.log(`read back: ${repr(request.method)}`);
    await printResponse(await fetch(request));
  }
}

const BLOCK = '0123456789abcdef';

/** 1 MiB as a string body (its length is known), then as a ReadableStream of 4 KiB chunks (unknown). */
export async function large_body() {
  console.log('--- declared');
  await printResponse(await fetch(`${origin()}/large-declared`, { method: 'POST', body: BLOCK.repeat(65536) }));
  console.log('--- undeclared');
  const chunk = new TextEncoder().encode(BLOCK.repeat(256));
  let sent = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (sent === 256) {
        controller.close();
        return;
      }
      controller.enqueue(chunk);
      sent += 1;
    },
  });
  await printResponse(await fetch(`${origin()}/large-undeclared`, { method: 'POST', body: stream }));
}
