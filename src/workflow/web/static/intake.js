// The intake form: the receipt-date rule follows the chosen channel (the page says every
// rule without this script too).
document.addEventListener("DOMContentLoaded", function () {
  var channel = document.getElementById("f-channel");
  var rule = document.getElementById("receipt-rule");
  if (!channel || !rule) { return; }
  channel.addEventListener("change", function () {
    var text = document.querySelector('dd[data-channel="' + channel.value + '"]');
    if (text) { rule.textContent = "收到日期的确定：" + text.textContent; }
  });
});
