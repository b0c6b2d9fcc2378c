// Starts Swagger UI on the contract named by the page (no inline script: the page's CSP forbids it).
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-contract"),
    domNode: root,
    deepLinking: true,
    // No call to validator.swagger.io: the explorer works without the internet.
    validatorUrl: null,
  });
})();
