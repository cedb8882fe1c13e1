#!/usr/bin/env node
// The structure check (npm run lint:layers): reads every import of src/ (type-only ones too: a type from
// a higher layer is a dependency on it) and fails, naming file, line and import, when
//   - a layer imports a layer above it. Lowest first:
//       base (errors, version, hints, lifecycle, timers) -> api -> input -> config -> sandbox -> output
//       -> workflows -> commands -> cli (cli.ts, root-help.ts, bundle.ts);
//     a file of src/ in no layer fails too, so that a new folder is placed on purpose;
//   - anything but commands/ and the cli imports sandbox/ (the local NewStore is a server beside the
//     CLI: it may use base, api/ (routes, schemas, exchange), input/ and config/, never output/,
//     workflows/ or commands/);
//   - a file in commands/ talks HTTP or builds a URL: imports undici or node:http(s), calls fetch(),
//     resolves a URL against a base (new URL(path, base), except a module-relative import.meta.url),
//     or holds a path of the APIs ('/api/…', '/v0/…', '/_sandbox…') or a scheme put before an
//     interpolation (`https://${host}`). URLs, paths and verbs live in api/.
// Known exceptions are listed in ALLOWED, each with its reason. A file-URL base (import.meta.url, or a
// name bound to new URL('…', import.meta.url)) is a file beside the module, not an HTTP URL.
// Usage: node scripts/check-layers.mjs [src dir]   (exit 0 clean, 1 with one line per finding)
// A small lexer rather than the TypeScript compiler: TypeScript 7's package has no JS API, and the
// rules need only import specifiers, strings and a few call shapes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const LAYERS = [
  { name: 'base', files: ['errors.ts', 'version.ts', 'hints.ts', 'io.ts', 'lifecycle.ts', 'timers.ts'] },
  { name: 'api', dir: 'api' },
  { name: 'input', dir: 'input' },
  { name: 'config', dir: 'config' },
  { name: 'sandbox', dir: 'sandbox' },
  { name: 'output', dir: 'output' },
  { name: 'workflows', dir: 'workflows' },
  { name: 'commands', dir: 'commands' },
  { name: 'cli', files: ['cli.ts', 'root-help.ts', 'bundle.ts'] },
];
const SANDBOX_IMPORTERS = new Set(['commands', 'cli']);
/**
 * Imports allowed against the order, each with its reason (from-file relative to src/, specifier). Keep
 * this list short: an entry is a known debt, not a rule.
 */
const ALLOWED = [
  // The completion scripts are generated from the built commander tree, which cli.ts assembles.
  { from: 'commands/completion/generate.ts', specifier: '../../cli.js' },
  { from: 'commands/completion/print.ts', specifier: '../../cli.js' },
];
const HTTP_MODULES = /^(?:undici(?:\/.*)?|node:https?|https?)$/;
const API_PATH = /^\/(?:api\/|v0\/|_sandbox(?:\/|$))/;

function layerOf(rel) {
  const parts = rel.split('/');
  const rank = LAYERS.findIndex((l) => (l.dir ? parts[0] === l.dir && parts.length > 1 : parts.length === 1 && l.files.includes(rel)));
  return rank < 0 ? undefined : { rank, name: LAYERS[rank].name };
}

/** Tokens of a TypeScript file: strings, template chunks, identifiers and punctuation; comments dropped. */
export function tokenize(text) {
  const tokens = [];
  let i = 0;
  let line = 1;
  const templateDepth = []; // brace depth at each open ${ of a template
  let braces = 0;
  const push = (type, value, at = line) => tokens.push({ type, value, line: at });
  const regexAllowed = () => {
    const t = tokens[tokens.length - 1];
    if (!t) return true;
    if (t.type === 'ident') return /^(?:return|typeof|case|do|else|in|of|new|delete|void|throw|instanceof|yield|await)$/.test(t.value);
    if (t.type === 'string' || t.type === 'template' || t.type === 'number' || t.type === 'regex') return false;
    return !(t.value === ')' || t.value === ']' || t.value === '}');
  };
  const readTemplate = (start) => {
    // From just after ` or }: reads a chunk up to ${ or the closing `.
    let j = start;
    let chunk = '';
    const at = line;
    while (j < text.length) {
      const c = text[j];
      if (c === '\\') {
        chunk += text.slice(j, j + 2);
        j += 2;
        continue;
      }
      if (c === '`') {
        push('template', chunk, at);
        tokens[tokens.length - 1].end = true;
        return j + 1;
      }
      if (c === '$' && text[j + 1] === '{') {
        push('template', chunk, at);
        tokens[tokens.length - 1].end = false;
        templateDepth.push(braces);
        return j + 2;
      }
      if (c === '\n') line++;
      chunk += c;
      j++;
    }
    return j;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      line += (text.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c && text[j] !== '\n') {
        if (text[j] === '\\') {
          value += text[j + 1];
          j += 2;
        } else value += text[j++];
      }
      push('string', value);
      i = j + 1;
    } else if (c === '`') i = readTemplate(i + 1); else if (c === '}' && templateDepth.length && templateDepth[templateDepth.length - 1] === braces) {
      templateDepth.pop();
      i = readTemplate(i + 1);
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n') {
        if (text[j] === '\\') j += 2;
        else if (text[j] === '[') (inClass = true), j++;
        else if (text[j] === ']') (inClass = false), j++;
        else if (text[j] === '/' && !inClass) break;
        else j++;
      }
      j++;
      while (/[a-z]/i.test(text[j] ?? '')) j++;
      push('regex', text.slice(i, j));
      i = j;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (/[\w$]/.test(text[j] ?? '')) j++;
      push('ident', text.slice(i, j));
      i = j;
    } else if (/\d/.test(c)) {
      let j = i + 1;
      while (/[\w.]/.test(text[j] ?? '')) j++;
      push('number', text.slice(i, j));
      i = j;
    } else {
      if (c === '{') braces++;
      if (c === '}') braces--;
      push('punct', c);
      i++;
    }
  }
  return tokens;
}

/** Module specifiers: import/export … from 'x', import 'x', import('x'), require('x'). */
function importsOf(tokens) {
  const found = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const next = tokens[k + 1];
    const prev = tokens[k - 1];
    if (t.type !== 'ident' || prev?.value === '.') continue;
    if (t.value === 'from' && next?.type === 'string') found.push({ specifier: next.value, line: next.line });
    else if (t.value === 'import' && next?.type === 'string') found.push({ specifier: next.value, line: next.line });
    else if ((t.value === 'import' || t.value === 'require') && next?.value === '(' && tokens[k + 2]?.type === 'string') found.push({ specifier: tokens[k + 2].value, line: t.line });
  }
  return found;
}

/** What in a command file talks HTTP or builds a URL. */
function urlFindings(tokens) {
  const found = [];
  const fileBases = new Set(['import.meta.url']); // names of module-relative file URLs: const X = new URL('…', import.meta.url)
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const prev = tokens[k - 1];
    if (t.type === 'ident' && t.value === 'fetch' && tokens[k + 1]?.value === '(' && prev?.value !== '.') found.push({ line: t.line, what: 'calls fetch() (HTTP belongs in api/)' });
    if (t.type === 'ident' && t.value === 'URL' && prev?.value === 'new' && tokens[k + 1]?.value === '(') {
      // Split the arguments at top-level commas.
      let depth = 0;
      const args = [[]];
      for (let j = k + 2; j < tokens.length; j++) {
        const v = tokens[j].value;
        if (tokens[j].type === 'punct' && (v === '(' || v === '[' || v === '{')) depth++;
        if (tokens[j].type === 'punct' && (v === ')' || v === ']' || v === '}')) {
          if (depth === 0) break;
          depth--;
        }
        if (depth === 0 && tokens[j].type === 'punct' && v === ',') args.push([]);
        else args[args.length - 1].push(v);
      }
      const base = args[1]?.join('');
      if (base && fileBases.has(base) && tokens[k - 2]?.value === '=' && tokens[k - 3]?.type === 'ident') fileBases.add(tokens[k - 3].value);
      else if (base && !fileBases.has(base)) found.push({ line: t.line, what: `builds a URL: new URL(…, ${base}) (URLs belong in api/)` });
    }
    if (t.type === 'string' && API_PATH.test(t.value)) found.push({ line: t.line, what: `holds an API path '${t.value}' (paths belong in api/routes.ts)` });
    if (t.type === 'template') {
      // A chunk starts the literal or follows an interpolation: `/api/…` or `${base}/_sandbox…` either way.
      if (API_PATH.test(t.value)) found.push({ line: t.line, what: `builds an API path \`…${t.value.slice(0, 40)}\` (paths belong in api/routes.ts)` });
      if (!t.end && /[a-z]+:\/\/$/.test(t.value)) found.push({ line: t.line, what: `builds a URL \`${t.value}\${…}\` (URLs belong in api/)` });
    }
  }
  return found;
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (/\.(?:ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export function checkLayers(srcDir) {
  const root = resolve(srcDir);
  const problems = [];
  for (const file of walk(root)) {
    const rel = relative(root, file).split(sep).join('/');
    const shown = join(srcDir, rel);
    const layer = layerOf(rel);
    if (!layer) {
      problems.push(`${shown}: is in no layer (place it in scripts/check-layers.mjs LAYERS)`);
      continue;
    }
    const tokens = tokenize(readFileSync(file, 'utf8'));
    for (const { specifier, line } of importsOf(tokens)) {
      if (layer.name === 'commands' && HTTP_MODULES.test(specifier)) problems.push(`${shown}:${line}: imports ${specifier} (commands never talk HTTP; use the API client in api/)`);
      if (!specifier.startsWith('.')) continue;
      const target = relative(root, resolve(dirname(file), specifier)).split(sep).join('/').replace(/\.js$/, '.ts');
      if (target.startsWith('..')) continue; // outside src/ (package.json, …)
      const to = layerOf(target);
      if (!to) continue; // reported as a file in no layer
      if (ALLOWED.some((a) => a.from === rel && a.specifier === specifier)) continue;
      if (to.name === 'sandbox' && layer.name !== 'sandbox' && !SANDBOX_IMPORTERS.has(layer.name)) {
        problems.push(`${shown}:${line}: imports ${specifier}: only commands/ and the cli may use the sandbox (${layer.name} -> sandbox)`);
      } else if (layer.name === 'sandbox' && to.rank > layer.rank) {
        problems.push(`${shown}:${line}: imports ${specifier}: the sandbox never imports ${to.name}/ (sandbox -> ${to.name})`);
      } else if (to.rank > layer.rank) {
        problems.push(`${shown}:${line}: imports ${specifier}: ${layer.name} must not import ${to.name}, a layer above it (${LAYERS.map((l) => l.name).join(' -> ')})`);
      }
    }
    if (layer.name === 'commands') for (const { line, what } of urlFindings(tokens)) problems.push(`${shown}:${line}: ${what}`);
  }
  return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const srcDir = process.argv[2] ?? 'src';
  const problems = checkLayers(srcDir);
  for (const p of problems) console.error(`lint:layers: ${p}`);
  if (problems.length) {
    console.error(`lint:layers: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${srcDir}`);
    process.exit(1);
  }
  console.log(`lint:layers: ${srcDir} keeps its layers`);
}
