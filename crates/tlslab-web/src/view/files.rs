//! "Files": the run in the formats engineers' tools read (a pcap capture, the NSS key log, the
//! demo server's private key, the timeline JSON), how to open them in Wireshark, why the server's
//! RSA key alone decrypts such a recording, and opening a timeline file in this page.
//!
//! Everything downloaded is made from the timeline on screen by `tlslab_core::export`.

use crate::state::{Action, Model, Shared};
use std::rc::Rc;
use tlslab_core::export;
use tlslab_core::timeline::Timeline;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The stem of the files a run is saved as: `tlslab-<scenario>-<seed>`, or
/// `tlslab-recorded-<host>-<port>` for a run recorded against a real server.
pub fn base_name(t: &Timeline) -> String {
    match &t.recorded {
        Some(r) => {
            let server: String = r
                .server
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            format!("tlslab-recorded-{server}")
        }
        None => format!("tlslab-{}-{}", t.scenario.id(), t.seed),
    }
}

/// Saves `bytes` as a file called `name`: a Blob, an object URL and a temporary `<a download>`.
pub fn download(name: &str, bytes: &[u8], mime: &str) {
    if let Err(e) = try_download(name, bytes, mime) {
        web_sys::console::error_2(&format!("tlslab: could not save {name}").into(), &e);
    }
}

fn try_download(name: &str, bytes: &[u8], mime: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.set_hidden(true);
    let body = document.body().ok_or("no body")?;
    body.append_child(&a)?;
    a.click();
    a.remove();
    // The download has started from the URL; give it a moment before releasing the blob.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Saves a private key under the name the commands expect.
pub fn download_key(key: &export::KeyFile) {
    if let Some(pem) = &key.pem {
        download(key.name, pem.as_bytes(), "application/x-pem-file");
    }
}

/// Reads a chosen timeline file (in the import worker) and dispatches `Imported` or
/// `ImportFailed`.
fn open_file(file: web_sys::File, dispatch: UseReducerDispatcher<Model>) {
    let name = file.name();
    let size = file.size();
    if size > Timeline::MAX_IMPORT_BYTES as f64 {
        dispatch.dispatch(Action::ImportFailed {
            name,
            message: format!(
                "the file is {size} bytes; a timeline is at most {} MiB",
                Timeline::MAX_IMPORT_BYTES >> 20
            ),
        });
        return;
    }
    let (d, n) = (dispatch.clone(), name.clone());
    let read = Closure::<dyn FnMut(JsValue)>::new(move |text: JsValue| {
        let Some(text) = text.as_string() else {
            return d.dispatch(Action::ImportFailed {
                name: n.clone(),
                message: "the file is not text".into(),
            });
        };
        let (d, n) = (d.clone(), n.clone());
        crate::importer::import(text, move |result| {
            d.dispatch(match result {
                Ok(t) => Action::Imported {
                    name: n,
                    timeline: Shared(Rc::new(t)),
                },
                Err(message) => Action::ImportFailed { name: n, message },
            })
        });
    });
    let failed = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        dispatch.dispatch(Action::ImportFailed {
            name: name.clone(),
            message: "the browser could not read the file".into(),
        });
    });
    let _ = file.text().then2(&read, &failed);
    // One small pair of closures per file opened; they must outlive this call.
    read.forget();
    failed.forget();
}

#[derive(Properties, PartialEq)]
pub struct FilesProps {
    pub timeline: Option<Shared>,
    pub dispatch: UseReducerDispatcher<Model>,
}

#[function_component(Files)]
pub fn files(props: &FilesProps) -> Html {
    let on_open = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let file = input.files().and_then(|f| f.get(0));
            // Choosing the same file again reads it again.
            input.set_value("");
            if let Some(file) = file {
                open_file(file, dispatch.clone());
            }
        })
    };
    let close = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::ToggleFiles))
    };
    let open = html! {
        <section class="open-timeline">
            <h3>{ "Open a timeline" }</h3>
            <label class="file-label">
                <span>{ "Open timeline…" }</span>
                <input type="file" accept=".json,application/json" data-control="open-timeline" onchange={on_open} />
            </label>
            <p class="note">{ "A timeline from the Timeline button above, from " }<code>{ "tlslab trace --json" }</code>
                { ", or recorded against a real server by " }<code>{ "tlslab connect HOST:PORT --timeline FILE" }</code>
                { ". It is shown here like a run of this page; nothing is sent anywhere." }</p>
        </section>
    };
    let Some(t) = props.timeline.clone() else {
        return html! {
            <section class="files-panel" id="files-panel" data-panel="files" aria-label="Files">
                { open }
            </section>
        };
    };
    let stem = base_name(&t);
    let recorded = t.recorded.clone();
    let tls13 = t.spoke_tls13();
    // ECDHE on the wire: TLS 1.2's, or what a TLS 1.3 client was downgraded to.
    let ecdhe = !tls13 && t.protocol() != tlslab_core::driver::Protocol::Tls12Rsa;
    let (pcap_name, keys_name, json_name) = (
        format!("{stem}.pcap"),
        format!("{stem}.keys"),
        format!("{stem}.json"),
    );
    let save_pcap = {
        let (t, name) = (t.clone(), pcap_name.clone());
        Callback::from(move |_| download(&name, &export::pcap(&t), "application/vnd.tcpdump.pcap"))
    };
    let save_keys = {
        let (t, name) = (t.clone(), keys_name.clone());
        Callback::from(move |_| download(&name, export::keylog(&t).as_bytes(), "text/plain"))
    };
    let save_json = {
        let (t, name) = (t.clone(), json_name.clone());
        Callback::from(move |_| match serde_json::to_string_pretty(&*t.0) {
            Ok(json) => download(&name, json.as_bytes(), "application/json"),
            Err(e) => web_sys::console::error_1(&format!("tlslab: {e}").into()),
        })
    };
    let tshark = format!("tshark -r {pcap_name} -o tls.keylog_file:{keys_name} -V");
    // Every key we hold for this run: with a man in the middle, the client's connection was
    // encrypted to the attacker's key and the attacker's own to the server's.
    let keys = export::rsa_keys(&t);
    let tshark_key = format!(
        "tshark -r {pcap_name} {} -V",
        keys.iter()
            .map(|k| format!("-o 'uat:rsa_keys:\"{}\",\"\"'", k.name))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let key_items = keys.iter().map(|k| {
        let key = k.clone();
        html! {
            <li>
                <button type="button" data-download={k.name.replace(".key", "-key")} onclick={Callback::from(move |_| download_key(&key))}>
                    { format!("Private key: {}", k.name) }
                </button>
                <span>{ format!("{}: {} RSA key (PKCS#8 PEM), the same in every run here. It is public: use it for nothing but demonstrations.", k.name, k.whose) }</span>
            </li>
        }
    });
    let copy = super::value::copy_on_click::<MouseEvent>;
    html! {
        <section class="files-panel" id="files-panel" data-panel="files" aria-labelledby="files-title">
            <div class="files-head">
                <h2 id="files-title">{ "Files: this run in Wireshark, OpenSSL and Python" }</h2>
                <button type="button" data-action="close-files" onclick={close} aria-label="Close the files panel">{ "×" }</button>
            </div>
            <div class="files-grid">
                <section>
                    <h3>{ "Download" }</h3>
                    <ul class="downloads">
                        <li>
                            <button type="button" data-download="pcap" onclick={save_pcap}>{ "Capture (.pcap)" }</button>
                            <span>{ format!("{pcap_name}: every record as it crossed the wire, in TCP packets between 127.0.0.1:{} and 127.0.0.1:{} (the addresses and TCP framing are made up; the TLS bytes are the run's).", export::pcap::CLIENT_PORT, export::pcap::SERVER_PORT) }</span>
                        </li>
                        <li>
                            <button type="button" data-download="keys" onclick={save_keys}>{ "Key log (.keys)" }</button>
                            <span>{ if tls13 {
                                format!("{keys_name}: the NSS key log (the SSLKEYLOGFILE format): for each connection, its client random with both sides' handshake and application traffic secrets and the exporter secret.")
                            } else {
                                format!("{keys_name}: the NSS key log (the SSLKEYLOGFILE format): client random and master secret of each connection.")
                            } }</span>
                        </li>
                        { for key_items }
                        <li>
                            <button type="button" data-download="timeline" onclick={save_json}>{ "Timeline (.json)" }</button>
                            <span>{ format!("{json_name}: everything this page shows; open it again below.") }</span>
                        </li>
                    </ul>
                </section>
                <section>
                    <h3>{ "Open it in Wireshark" }</h3>
                    <p>{ "With the key log, in a terminal:" }</p>
                    <div class="command">
                        <pre tabindex="0" role="region" aria-label="tshark command with the key log"><code data-command="tshark">{ tshark.clone() }</code></pre>
                        <button type="button" class="copy" onclick={copy(tshark)} aria-label="Copy the tshark command">{ "Copy" }</button>
                    </div>
                    <p>{ "Or in Wireshark: Preferences › Protocols › TLS › (Pre)-Master-Secret log filename: choose the .keys file, then open the .pcap. The HTTP request and response appear decrypted." }</p>
                    if !keys.is_empty() {
                        <p>{ "Wireshark can also decrypt with the server's private key itself (Preferences › Protocols › TLS › RSA keys list), but only for RSA key exchange in TLS 1.2 and earlier, and only when the capture holds the whole handshake with its ClientKeyExchange (not a resumed session). The key log works in every case." }</p>
                        <div class="command">
                            <pre tabindex="0" role="region" aria-label="tshark command with the private key"><code data-command="tshark-key">{ tshark_key.clone() }</code></pre>
                            <button type="button" class="copy" onclick={copy(tshark_key)} aria-label="Copy the tshark command that uses the private key">{ "Copy" }</button>
                        </div>
                    }
                </section>
                <section class="why-key">
                    if tls13 {
                        <h3>{ "Why the server's key does not decrypt this recording" }</h3>
                        <p>{ "This run is TLS 1.3 (RFC 8446), which has no RSA key exchange (§1.2). Its traffic secrets come from the (EC)DHE shared secret of the two key shares in ClientHello and ServerHello (§4.2.8, §7.1), whose private halves never cross the wire; the server's private key only signs the transcript in CertificateVerify (§4.4.3). So the server's key, stolen today or years from now, decrypts nothing of such a capture; only the key log, written by an endpoint that held the secrets, does." }</p>
                    } else if ecdhe {
                        <h3>{ "Why the server's key does not decrypt this recording" }</h3>
                        <p>{ "This run uses ECDHE (RFC 8422). The server's private key only signs its ephemeral share in ServerKeyExchange (§5.4); ClientKeyExchange carries the client's public share, not an encrypted secret (§5.7). The premaster is the Diffie-Hellman result of one side's ephemeral private key and the other's share (§5.10): it never crosses the wire, and a real endpoint discards both ephemeral keys after the handshake (this page keeps them so you can check its arithmetic). So the server's key, stolen today or years from now, decrypts nothing of such a capture; only the key log, written by an endpoint that held the secrets, does." }</p>
                    } else {
                    <h3>{ "Why the server's key alone decrypts a recording" }</h3>
                    <p>{ "With RSA key exchange the client picks the 48-byte premaster secret and sends it in ClientKeyExchange, encrypted to the RSA public key in the server's certificate (RFC 5246 §7.4.7.1). Everything else the keys are made from crosses the wire in the clear: the master secret is PRF(premaster, \"master secret\", client_random + server_random) (§8.1), or with the extended master secret PRF(premaster, \"extended master secret\", session_hash), where session_hash is the hash of handshake messages that crossed the wire too (RFC 7627 §4), and the record keys come from the master secret and the randoms (§6.3). So whoever holds the server's private key, today or years from now, decrypts the premaster from a recording and, with it, every record." }</p>
                    <p>{ "Forward-secret key exchanges, (EC)DHE (RFC 5246 §7.4.3, RFC 4492 §5.4), use the private key only to sign the server's ephemeral Diffie-Hellman value. The premaster is the Diffie-Hellman result, which never crosses the wire, and both sides discard the ephemeral keys after the handshake: a key stolen later decrypts nothing. TLS 1.3 removed static RSA key exchange altogether (RFC 8446 §1.2)." }</p>
                    }
                    if keys.iter().any(|k| k.name != export::reproduce::KEY_FILE) {
                        <p class="note">{ "In this run a man in the middle holds two connections: the client's premaster was encrypted to the attacker's key (attacker.key), and the attacker's own to the server's (server.key). Each key opens only its own connection; the command above lists both." }</p>
                    }
                    if let Some(r) = &recorded {
                        if ecdhe || tls13 {
                            <p class="note">{ format!("This run was recorded by tlslab connect against {} with {}: no server key decrypts it, not even its operator's; the key log, written from the client's side, is the way to decrypt it.", r.server, if tls13 { "TLS 1.3" } else { "ECDHE" }) }</p>
                        } else if keys.is_empty() {
                            <p class="note">{ format!("This run was recorded by tlslab connect against {}: only that server's operator has its private key, so the key log, written from the client's side, is the way to decrypt it.", r.server) }</p>
                        } else {
                            <p class="note">{ format!("This run was recorded by tlslab connect against {}, a server that used the demo key: the premaster was encrypted to it, so the key above decrypts this recording too.", r.server) }</p>
                        }
                    }
                </section>
                { open }
            </div>
        </section>
    }
}
