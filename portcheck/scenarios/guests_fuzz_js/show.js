// What the JavaScript fuzz guests share: the case loop, and what fetch(), Headers and Response show.
//
// Like the Python guests (guests_fuzz/show.py): a guest runs the one case of PORTCHECK_FUZZ_CASE
// (JSON) and ends, or loops: it asks the origin for each case (GET /portcheck/fuzz/next), runs
// it and prints MARK, until the origin says stop. Lines read `key: value` or `key "name": value`,
// values as JSON, which portcheck reads back line by line.
import { getEnvironment } from 'wasi:cli/environment@0.2.10';

export const MARK = '--- portcheck-fuzz: end of case ---';
const NEXT_PATH = '/portcheck/fuzz/next';
const FETCH_ATTEMPTS = 20;
const SHOWN_BODY = 200;

export function env() {
  return Object.fromEntries(getEnvironment());
}

export const q = (value) => JSON.stringify(value);

/** What an exception is, by name and message. */
export function kind(error) {
  return `${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`;
}

/** A body's bytes as a string of one character per byte (latin-1), or its length and ends. */
export function shownBytes(bytes) {
  const text = Array.from(bytes, (b) => String.fromCharCode(b)).join('');
  if (bytes.length <= SHOWN_BODY) return q(text);
  return `${bytes.length} bytes, starts ${q(text.slice(0, 24))}, ends ${q(text.slice(-24))}`;
}

/** Every entry of a Headers in iteration order, then each name's get() (Set-Cookie: getSetCookie()). */
export function showHeaders(headers, say) {
  for (const [name, value] of headers) say(`entry ${q(name)}: ${q(value)}`);
  for (const name of new Set(headers.keys())) {
    const values = name === 'set-cookie' ? headers.getSetCookie() : [headers.get(name)];
    say(`get ${q(name)}: [${values.map(q).join(', ')}]`);
  }
}

/** The body of a Request or Response, read whole, and how reading it ended. */
export async function showBody(message, say) {
  try {
    const bytes = new Uint8Array(await message.arrayBuffer());
    say(`body: ${shownBytes(bytes)} (closed)`);
  } catch (error) {
    say(`body: "" (${kind(error)})`);
  }
}

async function fetchCase(origin) {
  for (let attempt = 0; attempt < FETCH_ATTEMPTS; attempt += 1) {
    try {
      const response = await fetch(`${origin}${NEXT_PATH}`);
      const found = await response.json();
      return found.stop ? null : found;
    } catch (error) {
      if (String(error?.message).includes('refused')) return null;
    }
  }
  return null;
}

/** Run `runOne` on the case of PORTCHECK_FUZZ_CASE, or on every case the origin hands out. */
export async function runCases(runOne) {
  const { PORTCHECK_FUZZ_CASE: given, PORTCHECK_ORIGIN: origin } = env();
  if (given !== undefined) {
    await runOne(JSON.parse(given), origin);
    return;
  }
  for (;;) {
    const found = await fetchCase(origin);
    if (found === null) return;
    await runOne(found, origin);
    console.log(MARK);
  }
}
