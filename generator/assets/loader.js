// The one script every page loads (mkdocs.yml extra_javascript). On each page Material shows,
// the first and each one its instant navigation brings, it loads the site's modules that page
// uses, each once: the figure module (figures.js) where there is a figure, the ledger's
// filter (ledger.js) where there is the filter. A loaded module follows Material's document$
// itself from then on, so it runs once for every page after it, and never twice for one.
// A page without either loads nothing more; the figure pages also preload figures.js from
// their <head> (overrides/main.html), so that it downloads with the page.
//
// It also keeps a claim link's promise after instant navigation (see arrive), and names two
// of the theme's elements for screen readers.
(function () {
  'use strict';

  var script = document.currentScript;
  var here = script ? script.src : window.location.href;
  // Which module a page needs, from what its Markdown put on it.
  var MODULES = [
    { src: 'figures.js', selector: '.sahel-figure[data-figure]' },
    { src: 'ledger.js', selector: '.sahel-ledger-filter' },
  ];
  var requested = {};

  function loadModules() {
    MODULES.forEach(function (module) {
      if (requested[module.src] || !document.querySelector(module.selector)) return;
      requested[module.src] = true;
      var tag = document.createElement('script');
      tag.src = new URL(module.src, here).href;
      // A failed download is tried again on the next page that needs the module.
      tag.onerror = function () { requested[module.src] = false; };
      // In the body, which instant navigation keeps (it swaps the <head>'s tags for the next
      // page's), so that the page keeps the record of what it loaded.
      document.body.appendChild(tag);
    });
  }

  // --- a link to a place on another page lands on that place --------------------------------
  //
  // Material's instant navigation stores the reader's scroll offset in history.state 100 ms
  // after the last scroll, and pushes the new page's entry at the click. A scroll in the last
  // 100 ms before a click (a finger's fling, a link scrolled into view) has its offset written
  // into the new entry while the page downloads; Material then takes the page for one seen
  // before (a state) and scrolls to that old offset, not to the link's #anchor: a claim link
  // left the reader thousands of pixels past the claim. So a click on a link to an #anchor of
  // another page is remembered, and once that page is shown, it goes to the anchor as
  // Material does (a fragment navigation: the target is also :target). Back and forward keep
  // Material's restored offset: they are no click.
  var arriving = null;

  function rememberAnchorLink(event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target instanceof Element ? event.target.closest('a[href*="#"]') : null;
    if (!link || link.target) return;
    var url = new URL(link.href, window.location.href);
    var elsewhere = url.origin === window.location.origin &&
      url.pathname !== window.location.pathname && url.hash.length > 1;
    arriving = elsewhere ? url.pathname + url.hash : null;
  }

  function arrive() {
    var expected = arriving;
    arriving = null;
    if (!expected || expected !== window.location.pathname + window.location.hash) return;
    var id;
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return; // not an id this site wrote
    }
    if (!document.getElementById(id)) return;
    var anchor = document.createElement('a');
    anchor.href = window.location.hash;
    anchor.click();
  }

  // Names for two of the theme's own elements that have none, so screen readers can
  // announce them: the search dialog and the page-loading bar of instant navigation.
  function nameThemeElements() {
    var names = { '.md-search[role="dialog"]': 'Search', '.md-progress[role="progressbar"]': 'Page loading' };
    Object.keys(names).forEach(function (selector) {
      var element = document.querySelector(selector);
      if (element && !element.hasAttribute('aria-label')) {
        element.setAttribute('aria-label', names[selector]);
      }
    });
  }

  function onPage() {
    arrive();
    nameThemeElements();
    loadModules();
  }

  // Before Material's own listener on the body, which takes the click for instant navigation.
  document.addEventListener('click', rememberAnchorLink, true);
  window.addEventListener('popstate', function () { arriving = null; });

  // This script ends the body, so the first page is there already: its modules start loading
  // now rather than once the document is parsed and Material has emitted it (its document$
  // emits each page it shows, after it has scrolled; a module runs on them itself).
  loadModules();
  if (window.document$ && typeof window.document$.subscribe === 'function') {
    window.document$.subscribe(onPage);
  } else {
    onPage();
  }
})();
