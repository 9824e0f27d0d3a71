/* The one time filter for every layer and table: two thumbs on a rail, "All", and playback
 * that slides the window forward. Changes are applied once per animation frame.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var PLAY_TICK_MS = 250;
  var PLAY_STEPS = 120;

  DC.App.prototype.initTime = function () {
    var s = this.summary.time || {};
    var a = DC.toSec(s.start), b = DC.toSec(s.end);
    if (a === null || b === null) { a = Date.now() / 1000 - 86400; b = Date.now() / 1000; }
    if (b <= a) b = a + 3600;
    this.time = { min: a, max: b, a: a, b: b };
    var self = this;
    var start = DC.byId("dc-time-start"), end = DC.byId("dc-time-end");
    [start, end].forEach(function (inp) {
      inp.min = String(Math.floor(a)); inp.max = String(Math.ceil(b));
      inp.step = "any";  // a snapped step would cut off events at the very end
    });
    start.value = String(Math.floor(a)); end.value = String(Math.ceil(b));
    function onInput() {
      var x = Number(start.value), y = Number(end.value);
      if (x > y) { if (this === start) start.value = String(y); else end.value = String(x); }
      self.setWindow(Number(start.value), Number(end.value));
    }
    start.addEventListener("input", onInput);
    end.addEventListener("input", onInput);
    DC.byId("dc-play").addEventListener("click", function () { self.togglePlay(); });
    DC.byId("dc-reset").addEventListener("click", function () {
      self.stopPlay();
      self.setWindow(self.time.min, self.time.max);
    });
    this.updateTimeUi();
  };

  DC.App.prototype.setWindow = function (a, b) {
    this.time.a = Math.max(this.time.min, Math.min(a, this.time.max));
    this.time.b = Math.max(this.time.a, Math.min(b, this.time.max));
    this.updateTimeUi();
    this.scheduleApply();
  };

  DC.App.prototype.updateTimeUi = function () {
    var t = this.time, span = t.max - t.min || 1;
    DC.byId("dc-time-start").value = String(Math.floor(t.a));
    DC.byId("dc-time-end").value = String(Math.ceil(t.b));
    var range = DC.byId("dc-range");
    range.style.left = ((t.a - t.min) / span * 100) + "%";
    range.style.width = ((t.b - t.a) / span * 100) + "%";
    var label = DC.byId("dc-time-label");
    label.textContent = DC.secToLabel(t.a) + " → " + DC.secToLabel(t.b);
    label.setAttribute("data-since", DC.secToIso(t.a));
    label.setAttribute("data-until", DC.secToIso(t.b));
  };

  // Whether the window is the whole period (the tables then need no time filter).
  DC.App.prototype.wholePeriod = function () {
    return this.time.a <= this.time.min && this.time.b >= this.time.max;
  };

  DC.App.prototype.togglePlay = function () {
    if (this.playing) { this.stopPlay(); return; }
    var self = this, t = this.time;
    var width = t.b - t.a;
    if (width >= t.max - t.min) width = (t.max - t.min) / 10;
    if (t.b >= t.max) { t.a = t.min; }
    t.b = t.a + width;
    var step = (t.max - t.min) / PLAY_STEPS;
    DC.byId("dc-play").textContent = "❚❚ Pause";
    this.playing = window.setInterval(function () {
      var b = Math.min(t.max, t.b + step);
      self.setWindow(b - width, b);
      if (b >= t.max) self.stopPlay();
    }, PLAY_TICK_MS);
  };

  DC.App.prototype.stopPlay = function () {
    if (this.playing) window.clearInterval(this.playing);
    this.playing = null;
    DC.byId("dc-play").textContent = "▶ Play";
  };

  DC.App.prototype.scheduleApply = function () {
    var self = this;
    if (this._raf) return;
    this._raf = window.requestAnimationFrame(function () { self._raf = null; self.applyTime(); });
  };
})();
