// Renders the site's Plotly figures: every <div class="sahel-figure" data-figure="...">.
//
// - plotly.js is fetched only when a page has a figure, and only the bundle it needs
//   (data-bundle: "charts" = scatter + scattergl, "geo" = scattergeo); each bundle has its
//   own global, so both can live on one page after Material's instant navigation.
// - Figures render when they first become visible (a figure in a hidden tab has no width).
// - Every URL is resolved against the site root, found from this script's own address, so
//   the site works under any base path. Nothing is fetched from another host: the map's
//   topojson is served from assets/topojson/.
(function () {
  'use strict';

  var script = document.currentScript;
  var root = new URL('../../', script ? script.src : window.location.href);
  var bundles = {
    charts: { src: 'assets/vendor/plotly-charts.min.js', global: 'PlotlyCharts' },
    geo: { src: 'assets/vendor/plotly-geo.min.js', global: 'PlotlyGeo' },
  };
  var loading = {};
  var rendered = [];

  function loadBundle(name) {
    var bundle = bundles[name] || bundles.charts;
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        if (window[bundle.global]) return resolve(window[bundle.global]);
        var tag = document.createElement('script');
        tag.src = new URL(bundle.src, root).href;
        tag.onload = function () { resolve(window[bundle.global]); };
        tag.onerror = function () { loading[name] = null; reject(new Error('cannot load ' + bundle.src)); };
        document.head.appendChild(tag);
      });
    }
    return loading[name];
  }

  function isDark() {
    return document.body.getAttribute('data-md-color-scheme') === 'slate';
  }

  // The colours that follow Material's light/dark palette switch.
  function themeUpdate(layout) {
    var dark = isDark();
    var text = dark ? '#e2e4e9' : '#1f2328';
    var grid = dark ? 'rgba(226,228,233,0.12)' : 'rgba(31,35,40,0.10)';
    var update = {
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      'font.color': text,
      'xaxis.gridcolor': grid,
      'yaxis.gridcolor': grid,
      'hoverlabel.bgcolor': dark ? '#2e303e' : '#ffffff',
      'hoverlabel.font.color': text,
      'legend.font.color': text,
    };
    if (layout.xaxis && layout.xaxis.rangeslider) {
      update['xaxis.rangeslider.bgcolor'] = dark ? 'rgba(255,255,255,0.04)' : 'rgba(0,0,0,0.03)';
      update['xaxis.rangeslider.bordercolor'] = grid;
    }
    if (layout.sliders) {
      update['sliders[0].currentvalue.font.color'] = text;
      update['sliders[0].bgcolor'] = dark ? '#5c5f73' : '#d0d4db';
    }
    if (layout.geo) {
      update['geo.bgcolor'] = 'rgba(0,0,0,0)';
      update['geo.landcolor'] = dark ? '#2b2d3a' : '#f1efe8';
      update['geo.countrycolor'] = dark ? '#8a8ea3' : '#8c8c8c';
      update['geo.coastlinecolor'] = dark ? '#8a8ea3' : '#8c8c8c';
      update['geo.showocean'] = true;
      update['geo.oceancolor'] = dark ? '#1d2130' : '#dce9f2';
      update['geo.lakecolor'] = dark ? '#1d2130' : '#dce9f2';
      update['geo.rivercolor'] = dark ? '#35506b' : '#a8c8e0';
    }
    return update;
  }

  // Plotly takes "a.b" keys in relayout but nested objects in newPlot.
  function applyTo(layout, update) {
    Object.keys(update).forEach(function (key) {
      var parts = key.replace(/\[(\d+)\]/g, '.$1').split('.');
      var target = layout;
      for (var i = 0; i < parts.length - 1; i++) {
        if (target[parts[i]] === undefined) target[parts[i]] = {};
        target = target[parts[i]];
      }
      target[parts[parts.length - 1]] = update[key];
    });
    return layout;
  }

  // A map keeps its aspect on a phone: its fixed desktop height would leave empty bands
  // above and below the narrow map. Other figures scroll and keep their height.
  function fitToWidth(element, layout) {
    var width = element.clientWidth;
    if (layout.geo && width && width < 700) {
      layout.height = Math.round(width * 0.62) + 110;
    }
  }

  function openPoint(event) {
    var point = event && event.points && event.points[0];
    var target = point && point.customdata;
    // Only site-relative paths we generated: never a scheme or another host.
    if (typeof target !== 'string' || /[:\\]/.test(target) || target.indexOf('//') === 0) return;
    window.location.href = new URL(target, root).href;
  }

  function render(element) {
    element.setAttribute('data-rendering', '');
    var source = new URL(element.getAttribute('data-figure'), root).href;
    Promise.all([
      loadBundle(element.getAttribute('data-bundle')),
      fetch(source).then(function (r) {
        if (!r.ok) throw new Error(source + ': ' + r.status);
        return r.json();
      }),
    ]).then(function (results) {
      var Plotly = results[0];
      var figure = results[1];
      var layout = applyTo(figure.layout || {}, themeUpdate(figure.layout || {}));
      fitToWidth(element, layout);
      var config = {
        responsive: true,
        displaylogo: false,
        scrollZoom: false,
        topojsonURL: new URL('assets/topojson/', root).href,
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'toImage'],
      };
      return Plotly.newPlot(element, { data: figure.data, layout: layout, frames: figure.frames, config: config })
        .then(function () {
          element.classList.add('sahel-figure--rendered');
          element._sahelPlotly = Plotly;
          element.on('plotly_click', openPoint);
          rendered.push(element);
        });
    }).catch(function (error) {
      element.removeAttribute('data-rendering');
      element.classList.add('sahel-figure--failed');
      if (window.console) console.error('figure', source, error);
    });
  }

  var observer = 'IntersectionObserver' in window
    ? new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) return;
          var element = entry.target;
          if (element._sahelPlotly) element._sahelPlotly.Plots.resize(element);
          else if (!element.hasAttribute('data-rendering')) render(element);
        });
      }, { rootMargin: '200px' })
    : null;

  function renderAll() {
    // Free the figures of the page instant navigation left (WebGL contexts are scarce).
    rendered = rendered.filter(function (element) {
      if (document.body.contains(element)) return true;
      element._sahelPlotly.purge(element);
      return false;
    });
    var figures = document.querySelectorAll('.sahel-figure[data-figure]');
    Array.prototype.forEach.call(figures, function (element) {
      if (observer) observer.observe(element);
      else if (!element.hasAttribute('data-rendering')) render(element);
    });
  }

  function restyleAll() {
    rendered.forEach(function (element) {
      element._sahelPlotly.relayout(element, themeUpdate(element.layout || {}));
    });
  }

  new MutationObserver(restyleAll).observe(document.body, {
    attributes: true,
    attributeFilter: ['data-md-color-scheme'],
  });

  if (window.document$ && typeof window.document$.subscribe === 'function') {
    window.document$.subscribe(renderAll);
  } else if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', renderAll);
  } else {
    renderAll();
  }
})();
