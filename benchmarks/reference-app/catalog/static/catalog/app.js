document.addEventListener('DOMContentLoaded', () => { document.body.dataset.ready = 'true'; });
