/* The guard's camera scanner: the phone's camera in the browser (getUserMedia), each frame
   drawn on a canvas and read by jsQR (vendored, served locally). A decoded pass code is put
   into the pass-code field and the form is submitted. Without a camera (or permission) the
   field still takes a typed, pasted or USB-scanner code. */
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  var start = document.getElementById("scan-start");
  var field = document.getElementById("id_code");
  if (!box || !start || !field || !window.jsQR) { return; }
  var video = box.querySelector("video");
  var canvas = box.querySelector("canvas");
  var status = box.querySelector(".scan-status");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    box.hidden = true;
  }

  function tick() {
    if (!stream) { return; }
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        field.value = code.data;
        stop();
        field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
        return;
      }
    }
    window.requestAnimationFrame(tick);
  }

  start.hidden = false;
  start.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.textContent = start.dataset.unavailable;
      box.hidden = false;
      return;
    }
    box.hidden = false;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.setAttribute("playsinline", "true");
        video.play();
        window.requestAnimationFrame(tick);
      })
      .catch(function () { status.textContent = start.dataset.unavailable; });
  });
})();
