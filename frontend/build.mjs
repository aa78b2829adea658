// The front-end build: `npm ci && npm run build`.
//
// Writes exactly three minified files into erp/static/dist/ (gitignored build output):
//   app.css      Bootstrap 5.3 + frontend/css/erp.css, left-to-right (English)
//   app.rtl.css  Bootstrap 5.3 RTL + frontend/css/erp.css, right-to-left (Arabic, the default)
//   app.js       htmx 2 + the Bootstrap components we use + frontend/js
// Both stylesheets are shrunk by PurgeCSS against the templates, the Python code (form widget classes) and our
// JS. Content hashes and brotli/gzip copies are added later by collectstatic (WhiteNoise manifest storage).
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants as zlib } from 'node:zlib'

import * as esbuild from 'esbuild'
import { PurgeCSS } from 'purgecss'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const OUT = path.join(ROOT, 'erp', 'static', 'dist')
const at = (...parts) => path.join(ROOT, ...parts)

// Browsers the staff use: evergreen desktop browsers and phones from the last few years.
const TARGETS = ['chrome100', 'edge100', 'firefox100', 'safari15', 'ios15']

// The Bootstrap JS modules we bundle (keep in step with the imports in frontend/js/app.js): their source is
// scanned by PurgeCSS too, so classes they add at run time (show, collapsing, modal-backdrop, …) are kept.
const BOOTSTRAP_JS = ['alert', 'base-component', 'collapse', 'dropdown', 'modal', 'toast']

const CONTENT = [
  at('erp', 'templates', '**', '*.html'),
  at('erp', '**', 'templates', '**', '*.html'),
  at('erp', '**', '*.py'),
  at('frontend', 'js', '**', '*.js'),
  ...BOOTSTRAP_JS.map((name) => at('node_modules', 'bootstrap', 'js', 'src', `${name}.js`)),
  at('node_modules', 'bootstrap', 'js', 'src', 'util', '*.js'),
  at('node_modules', 'bootstrap', 'js', 'src', 'dom', '*.js')
]

// Classes that appear only at run time or are built from parts in templates (text-bg-{{ level }}): kept whatever
// the scan finds.
const SAFELIST = {
  standard: [
    'show', 'showing', 'hide', 'fade', 'collapse', 'collapsing', 'collapsed', 'active', 'disabled',
    'modal-open', 'modal-backdrop', 'modal-static', 'dropdown-menu-end', 'dropdown-menu-start',
    'is-invalid', 'is-valid', 'was-validated', 'invalid-feedback', 'valid-feedback',
    'form-control', 'form-control-sm', 'form-select', 'form-select-sm', 'form-check', 'form-check-input',
    'form-check-label', 'form-label', 'form-text', 'form-switch',
    'visually-hidden', 'visually-hidden-focusable',
    'htmx-indicator', 'htmx-request', 'htmx-added', 'htmx-settling', 'htmx-swapping', 'htmx-dim'
  ],
  // Whole families: every colour of a button, badge, alert, toast or background, whatever a template builds.
  greedy: [/^text-bg-/, /^btn-/, /^toast/, /^modal/, /^alert/, /^spinner-/],
  // Custom properties that Bootstrap's JS reads with getComputedStyle (unused custom properties are dropped).
  variables: ['--bs-position']
}

// Every one of these must survive PurgeCSS in both stylesheets, or the build fails (a cheap guard against an
// over-eager purge breaking the pages).
const MUST_KEEP = [
  '.auth-page', '.home-card', '.navbar-collapse', '.navbar-toggler', '.dropdown-menu', '.dropdown-menu-end',
  '.toast', '.toast-container', '.modal-backdrop', '.modal-dialog', '.collapsing', '.show', '.fade',
  '.is-invalid', '.invalid-feedback', '.form-control', '.form-select', '.form-check-input', '.btn-close',
  '.text-bg-success', '.text-bg-danger', '.htmx-indicator', '.visually-hidden-focusable', '.table-responsive',
  '.pagination', '.badge', '.icon'
]

// A running dev server (or a test run in another shell) never sees a missing or half-written file.
async function writeAtomically (name, text) {
  const tmp = path.join(OUT, `.${name}.${process.pid}.tmp`)
  await writeFile(tmp, text)
  await rename(tmp, path.join(OUT, name))
}

function kb (bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`.padStart(9)
}

function brotli (text) {
  return brotliCompressSync(Buffer.from(text), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length
}

async function buildCss (entry, outfile) {
  const bundled = await esbuild.build({
    entryPoints: [at('frontend', 'css', entry)],
    bundle: true,
    write: false,
    logLevel: 'warning'
  })
  const css = bundled.outputFiles[0].text
  const [purged] = await new PurgeCSS().purge({
    content: CONTENT,
    css: [{ raw: css }],
    safelist: SAFELIST,
    keyframes: true,
    fontFace: true,
    variables: true
  })
  const minified = await esbuild.transform(purged.css, {
    loader: 'css',
    minify: true,
    target: TARGETS,
    legalComments: 'none',
    logLevel: 'warning'
  })
  const missing = MUST_KEEP.filter((selector) => !minified.code.includes(selector))
  if (missing.length) {
    throw new Error(`${entry}: PurgeCSS removed selectors the pages need: ${missing.join(', ')}`)
  }
  // Bootstrap's licence header is kept once at the top.
  const banner = '/*! Bootstrap v5.3 (https://getbootstrap.com/) | MIT License | Home Update ERP */\n'
  const code = banner + minified.code
  await writeAtomically(outfile, code)
  return { file: outfile, before: Buffer.byteLength(css), size: Buffer.byteLength(code), br: brotli(code) }
}

async function buildJs () {
  const result = await esbuild.build({
    entryPoints: [at('frontend', 'js', 'app.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: TARGETS,
    outfile: path.join(OUT, 'app.js'),
    write: false,
    legalComments: 'eof',
    logLevel: 'warning'
  })
  const code = result.outputFiles[0].text
  await writeAtomically('app.js', code)
  return { file: 'app.js', before: null, size: Buffer.byteLength(code), br: brotli(code) }
}

async function main () {
  await mkdir(OUT, { recursive: true })
  const results = await Promise.all([
    buildCss('app.ltr.css', 'app.css'),
    buildCss('app.rtl.css', 'app.rtl.css'),
    buildJs()
  ])
  const expected = ['app.css', 'app.js', 'app.rtl.css']
  // Anything else in dist/ is left over from an older build: remove it.
  for (const name of await readdir(OUT)) {
    if (!expected.includes(name) && !name.endsWith('.tmp')) await rm(path.join(OUT, name), { recursive: true, force: true })
  }
  const written = (await readdir(OUT)).filter((name) => !name.endsWith('.tmp')).sort()
  if (JSON.stringify(written) !== JSON.stringify(expected)) {
    throw new Error(`expected exactly ${expected.join(', ')} in ${OUT}, found ${written.join(', ')}`)
  }
  console.log(`erp/static/dist/ (minified; brotli as served)`)
  for (const r of results) {
    const before = r.before ? ` (from ${kb(r.before).trim()} before PurgeCSS)` : ''
    console.log(`  ${r.file.padEnd(12)} ${kb(r.size)}  brotli ${kb(r.br)}${before}`)
  }
}

main().catch((error) => {
  console.error(error.message || error)
  process.exit(1)
})
