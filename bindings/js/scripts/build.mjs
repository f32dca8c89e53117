// Builds the WebAssembly module (cargo, profile `wasm`) and its JavaScript glue (wasm-bindgen,
// the CLI at the exact version of the wasm-bindgen crate in Cargo.lock) into pkg/.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

// bindings/js is its own cargo workspace (its lock pins idna's back end: README.md, "Size").
const lock = readFileSync(join(here, '..', 'Cargo.lock'), 'utf8');
const wanted = /name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1];
const have = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).trim().split(' ')[1];
if (wanted !== have) {
  throw new Error(`wasm-bindgen ${have} is installed, Cargo.lock has ${wanted}: cargo install wasm-bindgen-cli --version ${wanted}`);
}
// The Public Suffix List from its text (corsgate's `psl-data`): the same answers as the psl
// crate's compiled list (a unit test compares them on every rule), ~800 KB less WebAssembly.
// The root's target directory: the crates both workspaces share are built once.
run('cargo', [
  'build', '--profile', 'wasm', '--target', 'wasm32-unknown-unknown',
  '--manifest-path', join(here, '..', 'Cargo.toml'), '--target-dir', join(root, 'target'),
  '--features', 'corsgate/psl-data',
]);
const pkg = join(here, '..', 'pkg');
rmSync(pkg, { recursive: true, force: true });
run('wasm-bindgen', [
  '--target', 'nodejs', '--no-typescript', '--remove-name-section', '--remove-producers-section',
  '--out-dir', pkg,
  join(root, 'target', 'wasm32-unknown-unknown', 'wasm', 'corsgate_js.wasm'),
]);
