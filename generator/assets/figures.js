// Renders the site's Plotly figures: every <div class="sahel-figure" data-figure="...">.
// Loaded by assets/figures/loader.js on the first page with a figure, then kept for the
// pages instant navigation brings (it follows Material's document$).
//
// - plotly.js is fetched only when a page has a figure, and only the bundle it needs
//   (data-bundle: "charts" = scatter, "gl" = scatter + scattergl, which only a very large
//   timeline needs, "geo" = scattergeo; a "charts" figure that turns out to hold a
//   scattergl trace still gets "gl": see usesWebGL). The named bundle is fetched with the
//   figure's JSON, not after it. Each bundle has its own global, so they can live on one
//   page after Material's instant navigation.
// - Figures render when they first become visible (a figure in a hidden tab has no width).
// - Every URL is resolved against the site root, found from this script's own address, so
//   the site works under any base path. Nothing is fetched from another host: the map's
//   topojson is served from assets/topojson/.
// - On a narrow screen (a phone) there is no mode bar (it would cover the chart's top) and
//   no drag-to-pan, so a finger on a chart scrolls the page; taps still open pages.
// - A point's link (customdata) is a site-relative page, or a #anchor on the page itself
//   (a map place with several events links to its rows in the map's table).
// - Labels that would overlap (the network's actor names) are thinned out: see declutter.
(function () {
  'use strict';

  var script = document.currentScript;
  var root = new URL('../../', script ? script.src : window.location.href);
  var bundles = {
    charts: { src: 'assets/vendor/plotly-charts.min.js', global: 'PlotlyCharts' },
    gl: { src: 'assets/vendor/plotly-gl.min.js', global: 'PlotlyGL' },
    geo: { src: 'assets/vendor/plotly-geo.min.js', global: 'PlotlyGeo' },
  };
  var loading = {};
  var rendered = [];
  // Below this width (in CSS pixels) a figure is laid out for a phone.
  var NARROW = 600;
  // Space kept free around a label, in CSS pixels.
  var LABEL_GAP = 2;

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

  // The same test as figures_common.bundle_for in the generator.
  function usesWebGL(figure) {
    return (figure.data || []).some(function (trace) { return trace.type === 'scattergl'; });
  }

  function isDark() {
    return document.body.getAttribute('data-md-color-scheme') === 'slate';
  }

  // The page's own background colour, from Material's palette (so a figure matches the
  // page it is on, and an exported image has the right background).
  function background(dark) {
    var value = window.getComputedStyle(document.body).getPropertyValue('--md-default-bg-color');
    return (value && value.trim()) || (dark ? '#1e2129' : '#ffffff');
  }

  // The colours that follow Material's light/dark palette switch.
  function themeUpdate(layout) {
    var dark = isDark();
    var text = dark ? '#e2e4e9' : '#1f2328';
    var grid = dark ? 'rgba(226,228,233,0.12)' : 'rgba(31,35,40,0.10)';
    var bg = background(dark);
    var update = {
      paper_bgcolor: bg,
      plot_bgcolor: bg,
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
      update['geo.bgcolor'] = bg;
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

  var PHONE_LABEL_SIZE = 9;
  var PHONE_MARKER_SIZE = 9;

  function isNarrow(element) {
    return element.clientWidth > 0 && element.clientWidth < NARROW;
  }

  // A map keeps its aspect on a phone: its fixed desktop height would leave empty bands
  // above and below the narrow map. Other figures scroll and keep their height. On a phone
  // a drag scrolls the page instead of panning the chart.
  function fitToWidth(element, layout) {
    var width = element.clientWidth;
    if (layout.geo && width && width < 700) {
      layout.height = Math.round(width * 0.62) + 110;
    }
    if (isNarrow(element)) layout.dragmode = false;
  }

  // On a phone the network's actors sit closer together: smaller markers and names leave
  // room for the names of more of them (see declutter), where the desktop sizes would hide
  // even the busiest actors' names; the room kept beside them (x range) goes to the graph.
  function fitLabelsToWidth(element, data, layout) {
    if (!isNarrow(element)) return;
    if (layout.sliders && layout.xaxis) delete layout.xaxis.range;
    data.forEach(function (trace) {
      if (!trace.meta || !trace.meta.label_priority) return;
      trace.textfont = Object.assign({}, trace.textfont, { size: PHONE_LABEL_SIZE });
      if (trace.marker && typeof trace.marker.size === 'number') {
        trace.marker = Object.assign({}, trace.marker, { size: PHONE_MARKER_SIZE });
      }
    });
  }

  // --- labels that do not overlap ------------------------------------------------------
  //
  // A trace whose meta.label_priority gives each point a priority has its text labels
  // placed after drawing: in order of priority (then trace and point order), each label takes
  // the first of POSITIONS, starting with its own, where it lies inside the chart and clear of
  // every marker and every label placed before it; a label with no such place is hidden (the
  // point keeps its hover text and its link). Run again when the figure's width changes,
  // starting from the labels as the figure gave them.

  var POSITIONS = [
    'top center', 'bottom center', 'middle right', 'middle left',
    'top right', 'top left', 'bottom right', 'bottom left',
  ];

  function originalLabels(data) {
    var labels = {};
    data.forEach(function (trace, index) {
      if (trace.meta && trace.meta.label_priority && Array.isArray(trace.text)) {
        var position = trace.textposition || 'top center';
        labels[index] = {
          text: trace.text.slice(),
          position: trace.text.map(function (_, i) {
            return Array.isArray(position) ? position[i] : position;
          }),
        };
      }
    });
    return Object.keys(labels).length ? labels : null;
  }

  function overlaps(a, b) {
    return a.left < b.right + LABEL_GAP && b.left < a.right + LABEL_GAP &&
      a.top < b.bottom + LABEL_GAP && b.top < a.bottom + LABEL_GAP;
  }

  function inside(box, frame) {
    return box.left >= frame.left && box.right <= frame.right &&
      box.top >= frame.top && box.bottom <= frame.bottom;
  }

  function rect(left, top, width, height) {
    return { left: left, top: top, right: left + width, bottom: top + height };
  }

  // Where a label of this size would be at `position`, from the one place it was measured:
  // the same distance from the marker's centre, on another side.
  function moved(label, position) {
    var parts = position.split(' ');
    var w = label.box.right - label.box.left;
    var h = label.box.bottom - label.box.top;
    var top = parts[0] === 'top' ? label.cy - label.gap - h
      : parts[0] === 'bottom' ? label.cy + label.gap : label.cy - h / 2;
    // plotly.js shifts a left or right label by the marker's radius / 0.8 + 1 (drawing.js).
    var shift = label.radius / 0.8 + 1;
    var left = parts[1] === 'center' ? label.cx - w / 2
      : parts[1] === 'right' ? label.cx + shift : label.cx - shift - w;
    return rect(left, top, w, h);
  }

  function measure(element, labels) {
    var found = [];
    var markers = [];
    // The plot's own traces, not their copies in a timeline's range slider.
    var groups = element.querySelectorAll('.cartesianlayer .scatterlayer .trace');
    Array.prototype.forEach.call(groups, function (group) {
      var calc = group.__data__;
      var trace = calc && calc[0] && calc[0].trace;
      if (!trace || !labels[trace.index]) return;
      var priority = trace.meta.label_priority;
      var centres = {};
      Array.prototype.forEach.call(group.querySelectorAll('.point'), function (point) {
        var box = point.getBoundingClientRect();
        var index = point.__data__ && point.__data__.i;
        if (!box.width || typeof index !== 'number') return;
        centres[index] = box;
        markers.push({ trace: trace.index, index: index, box: box });
      });
      Array.prototype.forEach.call(group.querySelectorAll('.textpoint'), function (point) {
        var text = point.querySelector('text');
        var index = point.__data__ && point.__data__.i;
        var marker = centres[index];
        if (!text || !marker || typeof index !== 'number') return;
        var box = text.getBoundingClientRect();
        if (!box.width) return;
        var cy = (marker.top + marker.bottom) / 2;
        var own = labels[trace.index].position[index];
        found.push({
          trace: trace.index,
          index: index,
          priority: priority[index] || 0,
          own: own,
          box: box,
          cx: (marker.left + marker.right) / 2,
          cy: cy,
          radius: (marker.right - marker.left) / 2,
          gap: own.indexOf('bottom') === 0 ? box.top - cy : cy - box.bottom,
        });
      });
    });
    found.sort(function (a, b) {
      return b.priority - a.priority || a.trace - b.trace || a.index - b.index;
    });
    return { labels: found, markers: markers };
  }

  function place(label, frame, kept, markers) {
    var order = [label.own].concat(POSITIONS.filter(function (p) { return p !== label.own; }));
    for (var i = 0; i < order.length; i++) {
      var box = i === 0 ? label.box : moved(label, order[i]);
      var clear = inside(box, frame) &&
        kept.every(function (other) { return !overlaps(other, box); }) &&
        markers.every(function (m) {
          return (m.trace === label.trace && m.index === label.index) || !overlaps(m.box, box);
        });
      if (clear) return { position: order[i], box: box };
    }
    return null;
  }

  // The plot area, where plotly.js clips markers and their text.
  function plotArea(element) {
    var svg = element.querySelector('.main-svg').getBoundingClientRect();
    var size = element._fullLayout._size;
    return rect(svg.left + size.l, svg.top + size.t, size.w, size.h);
  }

  // After placing: measure the labels as drawn and hide any that still overlaps a label of
  // higher priority or a marker, or is cut off (the places of moved labels were estimates).
  function verify(element, labels, text) {
    var frame = plotArea(element);
    var found = measure(element, labels);
    var kept = [];
    var hidden = false;
    found.labels.forEach(function (label) {
      var clear = inside(label.box, frame) &&
        kept.every(function (box) { return !overlaps(box, label.box); }) &&
        found.markers.every(function (m) {
          return (m.trace === label.trace && m.index === label.index) || !overlaps(m.box, label.box);
        });
      if (clear) kept.push(label.box);
      else {
        text[label.trace][label.index] = '';
        hidden = true;
      }
    });
    if (!hidden) return undefined;
    return restyleLabels(element, text);
  }

  // Restyles the labelled traces to `text` (and `position`, when given) in one redraw, with
  // a timeline's joins to match: each key event's name is joined to its marker by a line (in
  // the trace just before the names' trace, which says meta.joins), and a name hidden loses
  // its line too, so that no line points at nothing. One call, since each restyle of text
  // or points draws the whole figure again.
  function restyleLabels(element, text, position) {
    var traces = Object.keys(text).map(Number);
    var update = { text: traces.map(function (t) { return text[t]; }) };
    if (position) update.textposition = traces.map(function (t) { return position[t]; });
    var joins = joinsOf(element, text);
    if (joins.indices.length) {
      // plotly.js leaves a trace's attribute alone where its value is undefined.
      var none = joins.indices.map(function () { return undefined; });
      Object.keys(update).forEach(function (key) { update[key] = update[key].concat(none); });
      update.x = traces.map(function () { return undefined; }).concat(joins.x);
      update.y = traces.map(function () { return undefined; }).concat(joins.y);
      traces = traces.concat(joins.indices);
    }
    return element._sahelPlotly.restyle(element, update, traces);
  }

  // The joins of the names in `text` (by trace) that are shown, from the figure's own joins.
  function joinsOf(element, text) {
    var kept = element._sahelJoins = element._sahelJoins || {};
    var joins = { x: [], y: [], indices: [] };
    Object.keys(text).map(Number).forEach(function (index) {
      var trace = element.data[index];
      if (!trace.meta || !trace.meta.joins) return;
      var line = element.data[index - 1];
      var all = kept[index - 1] = kept[index - 1] || { x: line.x.slice(), y: line.y.slice() };
      var x = [];
      var y = [];
      text[index].forEach(function (name, i) {
        if (!name) return;
        x.push(all.x[3 * i], all.x[3 * i + 1], null);
        y.push(all.y[3 * i], all.y[3 * i + 1], null);
      });
      joins.x.push(x);
      joins.y.push(y);
      joins.indices.push(index - 1);
    });
    return joins;
  }

  function declutter(element) {
    var labels = element._sahelLabels;
    var traces = Object.keys(labels).map(Number);
    var restore = Promise.resolve();
    if (element._sahelDecluttered) {
      var original = {};
      var originalPosition = {};
      traces.forEach(function (t) {
        original[t] = labels[t].text;
        originalPosition[t] = labels[t].position;
      });
      restore = restyleLabels(element, original, originalPosition);
    }
    return restore.then(function () {
      var frame = plotArea(element);
      var found = measure(element, labels);
      var kept = [];
      var text = {};
      var position = {};
      traces.forEach(function (t) {
        text[t] = labels[t].text.slice();
        position[t] = labels[t].position.slice();
      });
      var changed = false;
      found.labels.forEach(function (label) {
        var spot = place(label, frame, kept, found.markers);
        if (spot) kept.push(spot.box);
        if (!spot) text[label.trace][label.index] = '';
        else position[label.trace][label.index] = spot.position;
        changed = changed || !spot || spot.position !== label.own;
      });
      element._sahelDecluttered = changed;
      if (!changed) return undefined;
      return restyleLabels(element, text, position)
        .then(function () { return verify(element, labels, text); });
    });
  }

  // --- the network's relationships as a list ------------------------------------------
  //
  // The trace whose meta.relationships describes each point is the network's edges: list
  // those drawn on the slider's date (x not null), each a link to its ledger row, after the
  // figure; site.css shows the list on a phone only. The texts come escaped, as every text
  // of a figure: a <textarea> turns them back into text, never into markup.
  function relationshipList(element) {
    var index = element.data.findIndex(function (t) { return t.meta && t.meta.relationships; });
    if (index < 0) return;
    var list = document.createElement('div');
    var decoder = document.createElement('textarea');
    list.className = 'sahel-network-list';
    list.setAttribute('aria-live', 'polite');
    element.parentNode.insertBefore(list, element.nextSibling);
    function update() {
      var trace = element.data[index];
      var slider = element._fullLayout.sliders[0];
      var drawn = [];
      trace.meta.relationships.forEach(function (text, i) {
        decoder.innerHTML = text;
        if (trace.x[i] != null) drawn.push({ text: decoder.value, url: trace.customdata[i] });
      });
      drawn.sort(function (a, b) { return a.text.localeCompare(b.text); });
      var title = document.createElement('p');
      title.appendChild(document.createElement('strong')).textContent = drawn.length +
        (drawn.length === 1 ? ' relationship' : ' relationships') + ' as of ' +
        slider.steps[slider.active].label;
      var items = document.createElement('ul');
      drawn.forEach(function (r) {
        var link = items.appendChild(document.createElement('li')).appendChild(document.createElement('a'));
        link.href = new URL(r.url, root).href;
        link.textContent = r.text;
      });
      list.replaceChildren(title, items);
    }
    update();
    element.on('plotly_animated', update);
  }

  // A date axis zoomed in to a few days would tick every few hours, each tick naming its
  // day (no date here is known to the hour): the same day four times. Below a week shown,
  // ticks are one a day.
  var DAY_MS = 86400000;
  var DAILY_BELOW_MS = 7 * DAY_MS;

  function keepDayTicks(element, change) {
    var axis = element._fullLayout && element._fullLayout.xaxis;
    var moved = Object.keys(change || {}).some(function (key) {
      return /^xaxis\.(range|autorange)/.test(key);
    });
    if (!moved || !axis || axis.type !== 'date') return;
    var daily = axis.r2l(axis.range[1]) - axis.r2l(axis.range[0]) < DAILY_BELOW_MS;
    if (daily === (axis.tickmode === 'linear' && axis.dtick === DAY_MS)) return;
    element._sahelPlotly.relayout(element, daily
      ? { 'xaxis.tickmode': 'linear', 'xaxis.dtick': DAY_MS, 'xaxis.tick0': '2000-01-01' }
      : { 'xaxis.tickmode': 'auto', 'xaxis.dtick': null, 'xaxis.tick0': null });
  }

  function declutterIfResized(element) {
    var width = element.clientWidth;
    if (!element._sahelLabels || !width || element._sahelLabelWidth === width) {
      return Promise.resolve();
    }
    element._sahelLabelWidth = width;
    return declutter(element);
  }

  // On a touch screen the first tap on a point shows its hover label (plotly.js draws it
  // on the tap); only a second tap on the same point opens its page. A mouse click opens it
  // at once, its label having shown on hover.
  // plotly.js reports a tap on a cartesian plot twice (the touch, then the click the browser
  // makes of it): a report of the same point within ECHO_MS is that echo, not a second tap.
  var tapped = null;
  var ECHO_MS = 600;

  function isTouch(event) {
    var dom = event && event.event;
    if (dom && dom.pointerType) return dom.pointerType === 'touch';
    return touchScreen();
  }

  function touchScreen() {
    return !!(window.matchMedia && window.matchMedia('(hover: none)').matches);
  }

  function firstTap(event) {
    var point = event && event.points && event.points[0];
    if (!point || !isTouch(event)) return false;
    var now = Date.now();
    var same = tapped && tapped.data === point.data && tapped.index === point.pointNumber;
    if (same && now - tapped.at < ECHO_MS) return true;
    tapped = same ? null : { data: point.data, index: point.pointNumber, at: now };
    return !same;
  }

  function openPoint(event) {
    if (firstTap(event)) return;
    var point = event && event.points && event.points[0];
    var target = point && point.customdata;
    // Only site-relative paths we generated: never a scheme or another host.
    if (typeof target !== 'string' || /[:\\]/.test(target) || target.indexOf('//') === 0) return;
    var url = new URL(target, root);
    if (url.hash && url.pathname === window.location.pathname && showAnchor(url.hash.slice(1))) {
      return;
    }
    window.location.href = url.href;
  }

  // A link to a place on this page (the map's table, grouped by place): open the collapsed
  // <details> it is in, mark its row, scroll to it and put its address in the location bar.
  // pushState, not location.hash: a hash change fires popstate, on which Material's instant
  // navigation would fetch and swap in the page again (closing the <details>).
  function showAnchor(id) {
    var target = document.getElementById(id);
    if (!target) return false;
    for (var node = target.parentNode; node; node = node.parentNode) {
      if (node.tagName === 'DETAILS') node.open = true;
    }
    Array.prototype.forEach.call(document.querySelectorAll('.sahel-target'), function (old) {
      old.classList.remove('sahel-target');
    });
    (target.closest('tr') || target).classList.add('sahel-target');
    if (window.location.hash !== '#' + id) window.history.pushState(null, '', '#' + id);
    target.scrollIntoView();
    return true;
  }

  function render(element) {
    element.setAttribute('data-rendering', '');
    var source = new URL(element.getAttribute('data-figure'), root).href;
    var bundle = element.getAttribute('data-bundle') || 'charts';
    // The bundle the page names loads alongside the figure's JSON, not after it (the page's
    // <head> preloads it too); a failure shows when the figure asks for it below.
    loadBundle(bundle).catch(function () {});
    fetch(source).then(function (r) {
      if (!r.ok) throw new Error(source + ': ' + r.status);
      return r.json();
    }).then(function (figure) {
      var name = bundle === 'charts' && usesWebGL(figure) ? 'gl' : bundle;
      return loadBundle(name).then(function (Plotly) { return [Plotly, figure]; });
    }).then(function (results) {
      var Plotly = results[0];
      var figure = results[1];
      var layout = applyTo(figure.layout || {}, themeUpdate(figure.layout || {}));
      fitToWidth(element, layout);
      fitLabelsToWidth(element, figure.data, layout);
      var config = {
        responsive: true,
        displaylogo: false,
        displayModeBar: isNarrow(element) ? false : 'hover',
        scrollZoom: false,
        // A tap is followed by the click the browser makes of it, which plotly.js takes for a
        // double-click and answers by resetting the axes: the tapped point would move away.
        doubleClick: touchScreen() ? false : 'reset+autosize',
        topojsonURL: new URL('assets/topojson/', root).href,
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'toImage'],
      };
      var labels = originalLabels(figure.data);
      return Plotly.newPlot(element, { data: figure.data, layout: layout, frames: figure.frames, config: config })
        .then(function () {
          element._sahelPlotly = Plotly;
          element._sahelLabels = labels;
          return declutterIfResized(element);
        })
        .then(function () {
          element.on('plotly_click', openPoint);
          element.on('plotly_relayout', function (change) {
            keepDayTicks(element, change);
            declutterIfResized(element);
          });
          relationshipList(element);
          rendered.push(element);
          element.classList.add('sahel-figure--rendered');
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
