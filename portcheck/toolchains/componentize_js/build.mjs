// Build one JavaScript guest with componentize-js's JS API (its CLI reports failures as an
// unhandled rejection with a Node stack; the API gives the message alone).
//
// usage: node build.mjs PACKAGE_HOME WIT_DIR WORLD SOURCE OUTPUT
//   PACKAGE_HOME: the folder `npm ci` installed componentize-js into (it has node_modules/)
//
// portcheck runs it with cwd = the source's folder: componentize-js maps that folder to "/" for
// StarlingMonkey, so relative imports ('./util.js') resolve and messages name files as
// `server.js:3:9`. TMPDIR is a throw-away folder: componentize-js works in $TMPDIR/<random>/
// and leaves it behind when the main source fails to parse.
// Exit 0 with the component written to OUTPUT, or exit 1 with componentize-js's message on stderr.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [home, wit, world, source, output] = process.argv.slice(2);
const packageDir = join(resolve(home), 'node_modules', '@bytecodealliance', 'componentize-js');
const { componentize } = await import(pathToFileURL(join(packageDir, 'src', 'componentize.js')).href);

async function parserDiagnostics(path) {
  // componentize-js pre-parses the main source with oxc-parser and reports only how many errors
  // it found; the same parser says where they are.
  const oxc = createRequire(join(packageDir, 'package.json'))('oxc-parser');
  const { errors } = oxc.parseSync(basename(path), await readFile(path, 'utf8'));
  return errors.map((error) => (error.codeframe ?? error.message).replace(/^\n+/, '')).join('\n');
}

try {
  const { component } = await componentize({
    sourcePath: resolve(source),
    sourceName: basename(source),
    witPath: resolve(wit),
    worldName: world,
  });
  await writeFile(output, component);
} catch (error) {
  let message = String(error?.message ?? error);
  if (message.startsWith('failed to parse JS source')) {
    message += '\n' + (await parserDiagnostics(source));
  }
  process.stderr.write(message.trimEnd() + '\n');
  process.exit(1);
}
