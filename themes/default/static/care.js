// 关怀模式 (care mode: large type, strong contrast, big targets), remembered across pages.
// Loaded in <head> without `defer`, so the page is drawn in the chosen mode from the start;
// the switch in the masthead is shown once this runs (without JavaScript there is none).
(function () {
  var root = document.documentElement;
  var key = 'bulletin-care';
  try {
    if (localStorage.getItem(key) === '1') root.classList.add('care');
  } catch (e) { /* storage refused: the default view */ }
  document.addEventListener('DOMContentLoaded', function () {
    var button = document.querySelector('.care-toggle');
    if (!button) return;
    var show = function () {
      button.setAttribute('aria-pressed', root.classList.contains('care') ? 'true' : 'false');
    };
    show();
    button.hidden = false;
    button.addEventListener('click', function () {
      var on = root.classList.toggle('care');
      try {
        if (on) localStorage.setItem(key, '1');
        else localStorage.removeItem(key);
      } catch (e) { /* not remembered, still switched */ }
      show();
    });
  });
})();
