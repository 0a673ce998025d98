/* The guard's camera scanner: the phone's camera in the browser (getUserMedia), each frame
   read by the browser's own BarcodeDetector where it reads QR codes, else drawn on a canvas
   and read by jsQR (vendored, served locally). jsQR is large, so it is fetched only when the
   camera is opened (its URL is the button's data-decoder), while the camera starts. A decoded
   pass code is put into the pass-code field and the form is submitted. Without a camera (or
   permission) the field still takes a typed, pasted or USB-scanner code.
   The scanner's data-state says where it is: "starting", "scanning", "unavailable". */
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  var start = document.getElementById("scan-start");
  var field = document.getElementById("id_code");
  if (!box || !start || !field) { return; }
  var video = box.querySelector("video");
  var canvas = box.querySelector("canvas");
  var status = box.querySelector(".scan-status");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var decoder = null; /* a promise of function (video) -> promise of the code's text or null */

  function viaDetector() {
    if (!("BarcodeDetector" in window) || !window.BarcodeDetector.getSupportedFormats) {
      return Promise.reject(new Error("no BarcodeDetector"));
    }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) { throw new Error("no QR in BarcodeDetector"); }
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function (source) {
        return detector.detect(source).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        });
      };
    });
  }

  function viaJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) { resolve(); return; }
      var script = document.createElement("script");
      script.src = start.dataset.decoder;
      script.onload = function () { if (window.jsQR) { resolve(); } else { reject(new Error("jsQR")); } };
      script.onerror = reject;
      document.head.appendChild(script);
    }).then(function () {
      return function (source) {
        canvas.width = source.videoWidth;
        canvas.height = source.videoHeight;
        ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
        var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(code && code.data ? code.data : null);
      };
    });
  }

  function loadDecoder() {
    if (!decoder) {
      decoder = viaDetector().catch(viaJsQR);
      decoder.catch(function () { decoder = null; }); /* a failed download may be retried */
    }
    return decoder;
  }

  function unavailable() {
    status.textContent = start.dataset.unavailable;
    box.dataset.state = "unavailable";
  }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    box.hidden = true;
  }

  function scan(read) {
    if (!stream) { return; }
    if (video.readyState < video.HAVE_ENOUGH_DATA) {
      window.requestAnimationFrame(function () { scan(read); });
      return;
    }
    box.dataset.state = "scanning";
    read(video).then(function (text) {
      if (text) {
        field.value = text;
        stop();
        if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
        return;
      }
      window.requestAnimationFrame(function () { scan(read); });
    }, function () { window.requestAnimationFrame(function () { scan(read); }); });
  }

  start.hidden = false;
  start.addEventListener("click", function () {
    box.hidden = false;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { unavailable(); return; }
    box.dataset.state = "starting";
    var reader = loadDecoder();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.setAttribute("playsinline", "true");
        video.play();
        return reader;
      })
      .then(function (read) { scan(read); })
      .catch(function () { stop(); box.hidden = false; unavailable(); });
  });
})();
