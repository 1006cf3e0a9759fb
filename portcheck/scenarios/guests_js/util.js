// Helpers shared by the JavaScript probes (a sibling module: componentize-js follows relative imports).
import { getEnvironment } from 'wasi:cli/environment@0.2.10';

/** The component's environment as an object, read when called (not at build time). */
export function env() {
  return Object.fromEntries(getEnvironment());
}

/** The origin's URL (http://127.0.0.1:PORT), which portcheck puts in PORTCHECK_ORIGIN. */
export function origin() {
  return env().PORTCHECK_ORIGIN;
}

/** Quoted like Python's repr of a str, so outputs read like the Python probes' `{x!r}`. */
export function repr(text) {
  return "'" + text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'";
}

/** Print the status, each named header (every Set-Cookie via getSetCookie()) and the body; return the body. */
export async function printResponse(response, names = []) {
  console.log(`status: ${response.status}`);
  for (const name of names) {
    const values = name === 'set-cookie' ? response.headers.getSetCookie() : [response.headers.get(name)];
    for (const value of values.filter((v) => v !== null)) console.log(`${name}: ${value}`);
  }
  const body = await response.text();
  console.log(`body: ${repr(body)}`);
  return body;
}

/** A text/plain Response. */
export function plain(text, init = {}) {
  return new Response(text, { ...init, headers: { 'content-type': 'text/plain', ...init.headers } });
}
