// The claims ledger's filter (render/pages_ledgers.py): checkboxes for the kind of speaker and
// the storyline hide the rows of the page that match none of the boxes ticked. The filter is
// hidden in the page as written and shown here, so a reader without JavaScript sees every
// row and no control that does nothing. Rows carry what is filtered on in a marker span
// ([data-sahel-claim]) in their first cell, as a Markdown table gives rows no attributes.
(function () {
  'use strict';

  function ticked(filter, name) {
    var boxes = filter.querySelectorAll('input[name="' + name + '"]:checked');
    return Array.prototype.map.call(boxes, function (box) { return box.value; });
  }

  function setUp(filter) {
    if (filter.hasAttribute('data-ready')) return;
    filter.setAttribute('data-ready', '');
    var rows = Array.prototype.map.call(
      document.querySelectorAll('[data-sahel-claim]'),
      function (marker) {
        return {
          row: marker.closest('tr'),
          speaker: marker.getAttribute('data-speaker'),
          storylines: (marker.getAttribute('data-storylines') || '').split(' '),
        };
      }
    );
    var count = filter.querySelector('.sahel-ledger-filter__count');

    function apply() {
      var speakers = ticked(filter, 'speaker');
      var storylines = ticked(filter, 'storyline');
      var shown = 0;
      rows.forEach(function (item) {
        var visible = speakers.indexOf(item.speaker) >= 0 &&
          item.storylines.some(function (id) { return storylines.indexOf(id) >= 0; });
        if (item.row) item.row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = shown + ' of ' + rows.length + ' statements shown';
    }

    filter.addEventListener('change', apply);
    filter.hidden = false;
    apply();
  }

  function onPage() {
    Array.prototype.forEach.call(document.querySelectorAll('.sahel-ledger-filter'), setUp);
  }

  // Loaded by assets/figures/loader.js on the first page with the filter. Material's
  // document$ replays the page shown, then emits each one instant navigation brings; without
  // Material, the loader adds this script once the page is there.
  if (window.document$) window.document$.subscribe(onPage);
  else onPage();
})();
