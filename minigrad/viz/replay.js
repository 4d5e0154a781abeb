// The replay page's player (minigrad.viz.replay): restyles the SVG's boxes for frame k (waiting, running,
// done, the current one) and fills the side panel. Called as player(uid, data, standalone).
function (uid, D, standalone) {
  var root = document.getElementById(uid), F = D.frames, N = F.length - 1;
  var $ = function (c) { return root.querySelector('.' + c); };
  var esc = function (s) { return String(s).replace(/[&<>]/g, function (c) { return {'&':'&amp;','<':'&lt;','>':'&gt;'}[c]; }); };
  var boxes = {}, edges = [];
  root.querySelectorAll('g.node').forEach(function (g) {
    var id = g.querySelector('title').textContent, shape = g.querySelector('polygon, path, ellipse');
    var texts = Array.prototype.slice.call(g.querySelectorAll('text'));
    boxes[id] = {g: g, shape: shape, fill: shape && shape.getAttribute('fill'), stroke: shape && shape.getAttribute('stroke'),
      width: shape && shape.getAttribute('stroke-width'), texts: texts,
      colors: texts.map(function (t) { return t.getAttribute('fill'); }),
      words: texts.map(function (t) { return t.textContent; }),
      grad: texts.filter(function (t, i) { return i > 0 && /^(\|grad\| |grad )/.test(t.textContent); })};
  });
  root.querySelectorAll('g.edge').forEach(function (g) {
    var t = g.querySelector('title').textContent.split('->'), p = g.querySelector('path');
    if (t.length == 2 && p) edges.push({head: t[1].split(':')[0], path: p, stroke: p.getAttribute('stroke'), width: p.getAttribute('stroke-width')});
  });
  var leafAt = {}, sumAt = {};  // leaf box / waiting op box -> [[frame, text, fill], ...]: its gradient so far
  F.forEach(function (f, k) {
    for (var b in f.lv) (leafAt[b] = leafAt[b] || []).push([k, f.lv[b][0], f.lv[b][1]]);
    for (var b in f.pv) (sumAt[b] = sumAt[b] || []).push([k, f.pv[b][0], f.pv[b][1]]);
  });
  function upTo(hist, k) {
    var last = null;
    for (var i = 0; hist && i < hist.length && hist[i][0] <= k; i++) last = hist[i];
    return last;
  }
  var slider = $('mg-slider'), k = 0, timer = null;
  slider.max = N;
  function paint(b, fill, dim, hideGrad, text) {
    if (!b.shape) return;
    b.shape.setAttribute('fill', fill);
    b.g.style.opacity = dim ? '0.45' : '1';
    b.texts.forEach(function (t, i) {
      t.setAttribute('fill', fill == b.fill ? (b.colors[i] || '#000') : '#222');
      t.textContent = b.words[i];
      t.style.display = (hideGrad && b.grad.indexOf(t) >= 0) ? 'none' : '';
    });
    if (text && b.grad.length) b.grad[0].textContent = text;
  }
  function show(n) {
    k = Math.max(0, Math.min(N, n));
    var f = F[k];
    for (var id in boxes) {
      var b = boxes[id], s = D.span[id], hist = leafAt[id];
      b.shape && b.shape.setAttribute('stroke', b.stroke);
      b.shape && (b.width ? b.shape.setAttribute('stroke-width', b.width) : b.shape.removeAttribute('stroke-width'));
      if (hist) {
        var last = null;
        for (var i = 0; i < hist.length && hist[i][0] <= k; i++) last = hist[i];
        if (k == N || (last && last === hist[hist.length - 1])) paint(b, b.fill, false, false);
        else if (last) paint(b, last[2], false, false, last[1]);
        else paint(b, '#f4f4f4', true, true);
      } else if (s) {
        var part = k < s[0] && upTo(sumAt[id], k);
        if (k >= s[1]) paint(b, b.fill, false, false);
        else if (k >= s[0]) paint(b, b.fill, false, true);
        else if (part) paint(b, part[2], false, false, part[1]);
        else paint(b, '#f4f4f4', true, true);
      } else paint(b, b.fill, false, false);
    }
    edges.forEach(function (e) {
      var on = f.id && e.head == f.id && k > 0;
      e.path.setAttribute('stroke', on ? '#d62728' : e.stroke);
      e.path.setAttribute('stroke-width', on ? '2.5' : (e.width || '1'));
    });
    var cur = f.id && boxes[f.id];
    if (cur && cur.shape) { cur.shape.setAttribute('stroke', '#d62728'); cur.shape.setAttribute('stroke-width', '4'); cur.g.style.opacity = '1'; }
    if (cur && cur.shape && k > 0) {  // keep the running box in view inside the scrolled drawing
      var box = $('mg-svg'), r = cur.g.getBoundingClientRect(), o = box.getBoundingClientRect();
      if (r.left < o.left || r.right > o.right) box.scrollLeft += r.left - o.left - o.width / 2 + r.width / 2;
      if (r.top < o.top || r.bottom > o.bottom) box.scrollTop += r.top - o.top - o.height / 2 + r.height / 2;
    }
    slider.value = k;
    $('mg-frame').textContent = 'frame ' + k + ' / ' + N;
    $('mg-name').textContent = f.name;
    $('mg-scope').textContent = k == 0 ? 'forward graph: backward starts here with the seed gradient' : (f.scope || 'top level');
    $('mg-grad').textContent = f.grad.text;
    $('mg-norm').textContent = f.grad.norm;
    var rows = f.ins.map(function (x) {
      return '<tr><td>' + esc(x.name) + '</td><td>' + esc(x.text) + '</td></tr>';
    }).join('');
    $('mg-ins').innerHTML = k == 0 ? '' : '<b>handed to its inputs</b> (dL/d input)<table>' + rows + '</table>';
    $('mg-count').textContent = k + ' of ' + N + ' nodes done, ' + (N - k) + ' waiting';
    // Leaves in the drawing's order (leaf0, leaf1, ...: the input first, then the parameters as named_parameters()
    // gives them), not in the order their gradients arrived.
    var rank = function (id) { var m = /^leaf(\d+)$/.exec(id); return m ? +m[1] : 1e9; };
    var lrows = Object.keys(leafAt).sort(function (a, b) { return rank(a) - rank(b); }).map(function (id) {
      var hist = leafAt[id], last = null, now = false;
      for (var i = 0; i < hist.length && hist[i][0] <= k; i++) { last = hist[i]; now = hist[i][0] == k; }
      var name = boxes[id] ? boxes[id].words[0] : id;
      return '<tr' + (now ? ' class="mg-new"' : '') + '><td>' + esc(name) + '</td><td>' + (last ? esc(last[1]) : '<span class="mg-muted">waiting</span>') + '</td></tr>';
    }).join('');
    $('mg-leaves').innerHTML = lrows ? '<b>leaves: .grad so far</b><table>' + lrows + '</table>' : '';
  }
  function pause() { if (timer) { clearInterval(timer); timer = null; } $('mg-play').textContent = 'play'; }
  function play() {
    if (timer) return pause();
    if (k >= N) show(0);
    $('mg-play').textContent = 'pause';
    timer = setInterval(function () { if (k >= N) pause(); else show(k + 1); }, Math.max(60, Math.min(700, 12000 / Math.max(N, 1))));
  }
  $('mg-first').onclick = function () { pause(); show(0); };
  $('mg-prev').onclick = function () { pause(); show(k - 1); };
  $('mg-next').onclick = function () { pause(); show(k + 1); };
  $('mg-last').onclick = function () { pause(); show(N); };
  $('mg-play').onclick = play;
  slider.oninput = function () { pause(); show(+slider.value); };
  function key(e) {
    var m = {ArrowRight: 1, ArrowLeft: -1};
    if (e.target && e.target.tagName == 'INPUT' && e.target !== slider) return;
    if (e.key in m) { pause(); show(k + m[e.key]); e.preventDefault(); }
    else if (e.key == 'Home') { pause(); show(0); e.preventDefault(); }
    else if (e.key == 'End') { pause(); show(N); e.preventDefault(); }
    else if (e.key == ' ') { play(); e.preventDefault(); }
  }
  (standalone ? document : root).addEventListener('keydown', key);
  show(0);
}
