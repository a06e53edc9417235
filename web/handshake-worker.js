// The handshake worker (crates/tlslab-web/src/runner.rs starts it). The page posts its own
// compiled WebAssembly.Module and the URL of its wasm-bindgen glue: instantiating them here
// fetches and compiles nothing again. The same `main` then runs, finds no window, and installs
// the worker's handler (crates/tlslab-web/src/worker.rs) in place of this one.
self.onmessage = async ({ data }) => {
    // The page does not wait for the worker: requests that arrive while it loads wait here.
    const early = [];
    const hold = (event) => early.push(event);
    self.onmessage = hold;
    try {
        const glue = await import(data.glue);
        await glue.default({ module_or_path: data.module });
        if (self.onmessage === hold) throw new Error('the module installed no message handler');
    } catch (e) {
        // Thrown outside the promise, so the page's Worker receives an error event.
        setTimeout(() => {
            throw e;
        });
        return;
    }
    for (const event of early) self.onmessage(event);
};
