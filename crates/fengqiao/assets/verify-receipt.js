// 收据核验 — checks a donation receipt in the browser, the same way `fengqiao verify receipt`
// does: record + salt → leaf hash (RFC 6962: SHA-256 of 0x00 ‖ data); the audit path → the
// root (RFC 9162 §2.1.3.2); the tree head's Ed25519 signature over its 50 signed bytes, with
// the key this site publishes at /api/v1/translog/key.
(function () {
  "use strict";
  const enc = new TextEncoder();
  const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
  const unhex = (s) => {
    if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error("bad hex");
    const out = new Uint8Array(s.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
    return out;
  };
  // A proof is a list of exactly-32-byte hashes: an element that is not 64 hex digits (empty,
  // 31 or 33 bytes, not hex) is refused by its position, counting from 1, and never skipped —
  // the same rule as `translog::parse_proof` in the CLI and the server.
  const proofHashes = (list, what) => {
    if (!Array.isArray(list)) throw new Error(what + " is not a list of hashes");
    return list.map((s, i) => {
      if (typeof s !== "string" || !/^[0-9a-fA-F]{64}$/.test(s)) {
        const k = i + 1;
        throw new Error(what + ": proof element " + k + " (counting from 1) is not a 32-byte hash (证明第 " + k + " 项不是 32 字节的哈希)");
      }
      return unhex(s);
    });
  };
  const cat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  };
  const sha256 = async (b) => new Uint8Array(await crypto.subtle.digest("SHA-256", b));
  const node = (l, r) => sha256(cat(Uint8Array.of(1), l, r));
  const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  function canonical(r) {
    return enc.encode("fengqiao-translog-v1\nkind=" + r.kind + "\nid=" + r.id + "\nreference=" + r.reference +
      "\nproject=" + r.project + "\namount_fen=" + r.amount_fen + "\nat=" + r.at + "\n");
  }

  async function rootFromPath(leaf, index, size, path) {
    let fn = BigInt(index), sn = BigInt(size) - 1n, r = leaf;
    if (fn > sn) throw new Error("index beyond the tree");
    for (const p of path) {
      if (sn === 0n) throw new Error("proof too long");
      if ((fn & 1n) === 1n || fn === sn) {
        r = await node(p, r);
        if ((fn & 1n) === 0n) { while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; } }
      } else {
        r = await node(r, p);
      }
      fn >>= 1n; sn >>= 1n;
    }
    if (sn !== 0n) throw new Error("proof too short");
    return r;
  }

  function signedBytes(sth) {
    const b = new Uint8Array(50);
    const v = new DataView(b.buffer);
    b[0] = 0; b[1] = 1;
    v.setBigUint64(2, BigInt(sth.timestamp));
    v.setBigUint64(10, BigInt(sth.tree_size));
    b.set(unhex(sth.sha256_root_hash), 18);
    return b;
  }

  async function verify(receipt, trustedKey) {
    if (receipt.format !== "fengqiao-receipt-v1") throw new Error("not a receipt");
    const leaf = await sha256(cat(Uint8Array.of(0), canonical(receipt.record), unhex(receipt.salt)));
    if (hex(leaf) !== receipt.leaf_hash.toLowerCase()) throw new Error("the record and salt do not give the leaf hash");
    if (receipt.log_public_key.toLowerCase() !== trustedKey.toLowerCase()) throw new Error("signed by another key than this log's");
    const root = await rootFromPath(leaf, receipt.leaf_index, receipt.sth.tree_size, proofHashes(receipt.audit_path, "audit_path"));
    if (!eq(root, unhex(receipt.sth.sha256_root_hash))) throw new Error("the audit path does not lead to the signed root");
    const key = await crypto.subtle.importKey("raw", unhex(trustedKey), { name: "Ed25519" }, false, ["verify"]);
    const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, unhex(receipt.sth.tree_head_signature), signedBytes(receipt.sth));
    if (!ok) throw new Error("the tree head signature does not verify");
    return receipt.leaf_index + " / " + receipt.sth.tree_size;
  }

  async function check(getReceipt) {
    const out = document.getElementById("verify-result");
    out.className = "";
    out.textContent = "…";
    try {
      if (!window.crypto || !crypto.subtle) throw new Error("this page is not in a secure context; use the CLI");
      const receipt = await getReceipt();
      const key = (await (await fetch("/api/v1/translog/key")).json()).public_key;
      const where = await verify(receipt, key);
      out.className = "ok";
      out.textContent = out.dataset.ok + " " + receipt.receipt_no + " (#" + where + ")";
    } catch (e) {
      out.className = "error";
      out.textContent = out.dataset.fail + " " + e.message;
    }
  }

  const button = document.getElementById("verify-button");
  if (button) button.addEventListener("click", () => check(async () => (await fetch(button.dataset.receipt)).json()));
  const file = document.getElementById("verify-file");
  if (file) file.addEventListener("change", () => {
    if (file.files.length) check(async () => JSON.parse(await file.files[0].text()));
  });
})();
