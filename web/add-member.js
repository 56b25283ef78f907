// Posts the "Add a member" form to the members API with the page's single-use access token.
// The token is sent only in the Authorization header, so the API cannot be driven cross-site.
(function () {
  'use strict';
  var form = document.getElementById('member-form');
  if (!form) return;
  var error = document.getElementById('form-error');
  var result = document.getElementById('result');
  var button = document.getElementById('add-member');
  // Once the page has done its one thing, only the outcome stays on screen.
  function finish(message) {
    form.hidden = true;
    document.getElementById('intro').hidden = true;
    document.getElementById('note').hidden = true;
    result.textContent = message;
    result.hidden = false;
  }

  function showError(message) {
    error.textContent = message;
    error.hidden = false;
    button.disabled = false;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    error.hidden = true;
    var member = {
      name: form.elements.name.value.trim(),
      relationship: form.elements.relationship.value,
      dateOfBirth: form.elements.dateOfBirth.value
    };
    var phone = form.elements.phone.value.trim();
    if (phone) member.phone = phone;
    if (!member.name) return showError('Please enter the member\'s name.');
    if (!member.dateOfBirth) return showError('Please enter the date of birth.');
    button.disabled = true;
    fetch('/v1/accounts/' + encodeURIComponent(form.dataset.account) + '/members', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Authorization': 'Bearer ' + form.dataset.token
      },
      body: JSON.stringify(member),
      credentials: 'omit',
      cache: 'no-store'
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 201) {
          finish(body.name + ' was added to your account.');
        } else if (response.status === 400) {
          showError(body.error || 'Please check the form.');
        } else {
          finish('This page has expired or was already used. Call us again for a new link.');
        }
      });
    }).catch(function () {
      showError('Could not reach the server. Please try again.');
    });
  });
})();
