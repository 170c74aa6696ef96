// Deleting a store destroys its data, so the user types the store id to confirm: a dialog naming the
// store is easy to click through by habit, typing the name is not. <dialog> gives focus trapping,
// Escape to cancel and the backdrop for free.

/**
 * Resolves true when the user typed the id and confirmed, false on Cancel or Escape.
 * @param {string} storeId
 * @returns {Promise<boolean>}
 */
export function confirmDelete(storeId) {
  const dialog = /** @type {HTMLDialogElement} */ (document.getElementById('delete-dialog'));
  const form = /** @type {HTMLFormElement} */ (dialog.querySelector('form'));
  const input = /** @type {HTMLInputElement} */ (document.getElementById('delete-confirm'));
  const confirm = /** @type {HTMLButtonElement} */ (document.getElementById('delete-yes'));
  const cancel = /** @type {HTMLButtonElement} */ (document.getElementById('delete-no'));
  for (const el of dialog.querySelectorAll('.delete-store-id')) el.textContent = storeId;
  input.value = '';
  confirm.disabled = true;

  return new Promise((resolve) => {
    const matches = () => input.value.trim() === storeId;
    const onInput = () => {
      confirm.disabled = !matches();
    };
    const onSubmit = (event) => {
      event.preventDefault();
      if (matches()) dialog.close('delete');
    };
    const onCancel = () => dialog.close('cancel');
    const onClose = () => {
      input.removeEventListener('input', onInput);
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      resolve(dialog.returnValue === 'delete');
    };
    input.addEventListener('input', onInput);
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
  });
}
