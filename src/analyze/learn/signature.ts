/**
 * The answering department signed at the end of an official reply on a message board, e.g.
 * "…特此回复。\nA市住建局\n2019年5月1日" → "A市住建局". The signature is the last short
 * phrase before an optional date that ends like the name of a public body; a named 承办单位 or
 * the department the message was forwarded to comes first.
 */
const TRAILING_DATE =
  /[\s,，。.、]*(?:(?:\d{2,4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|[〇○零O0-9一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日?)[\s。.]*$/;
const SEAL = /[（(](?:公章|盖章|章)[）)]\s*$/;
/** "（承办责任单位：省交通运输厅规划办）" names the answering body explicitly. */
const RESPONSIBLE = /(?:承办|责任|答复|回复)(?:责任)?(?:单位|处室|部门)[：:]\s*([^）)\s，,。]{2,40})[）)]?\s*$/;
/**
 * "已转交县交通局核实处理": a portal's reply that forwards the message names the department that
 * handles it, which is what routing learns (the portal's own signature is only the forwarder).
 */
const FORWARDED =
  /(?:已|现|将|并)(?:于[^，,。；;]{1,16}?)?\s*转(?:交|至|给|办)(?:给|至|到)?\s*([^\s，,。；;！!：:“”"（）()]{2,24}?(?:局|委|厅|中心|公司|政府|委员会|办事处|管委会|支队|大队|分局|街道|社区))(?=核实|调查|处理|办理|研究|答复|回复|[，,。；;！!]|\s|$)/;
const ORG_SUFFIX =
  /(?:局|委|办|厅|院|所|中心|公司|政府|委员会|办公室|办事处|管委会|管理处|站|队|处|科|部|会|支队|大队|分局|集团|银行|医院|学校|大学|学院|法院|检察院|街道|社区|居委会|村委会|镇|乡|指挥部|服务中心|供电局|水务局|管理局|事务所|馆|组)$/;
const NOT_A_NAME = /^(?:您|你|我|感谢|谢谢|欢迎|如有|特此|此复|祝|望|请|联系|电话|网友)|联系电话|电话|[，,：:“”"？?！!]/;

export function parseReplySignature(reply: string | null | undefined): string | null {
  if (!reply) return null;
  let text = reply.replace(/[\u3000\u00a0]/g, ' ').trim();
  for (let i = 0; i < 2 && TRAILING_DATE.test(text); i++) text = text.replace(TRAILING_DATE, '').trim();
  text = text.replace(SEAL, '').trim();
  if (!text) return null;
  const responsible = RESPONSIBLE.exec(text);
  if (responsible) return responsible[1];
  const forwarded = FORWARDED.exec(text);
  if (forwarded && !NOT_A_NAME.test(forwarded[1])) return forwarded[1];
  // The tail after the last sentence end or line break.
  const cut = Math.max(
    text.lastIndexOf('。'), text.lastIndexOf('！'), text.lastIndexOf('!'), text.lastIndexOf('？'), text.lastIndexOf('?'),
    text.lastIndexOf('；'), text.lastIndexOf(';'), text.lastIndexOf('\n'), text.lastIndexOf('）') > text.length - 3 ? -1 : text.lastIndexOf('）'),
  );
  let tail = text.slice(cut + 1).trim();
  // "特此回复 A市住建局": keep the last space-separated chunk that reads as a name.
  if (/\s/.test(tail)) {
    const parts = tail.split(/\s+/).filter(Boolean);
    tail = parts[parts.length - 1] ?? '';
  }
  tail = tail.replace(/^[（(【\[]|[）)】\]]$/g, '').trim();
  if (tail.length < 2 || tail.length > 40) return null;
  if (NOT_A_NAME.test(tail) || !ORG_SUFFIX.test(tail)) return null;
  return tail;
}

/** Region prefixes ("A市", "B2区", "XX县") that differ between a signature and a department's name. */
function stripRegion(name: string): string {
  return name.replace(/^(?:[A-Z][0-9]*|[\u4e00-\u9fff]{1,4}?)(?:省|市|区|县)(?=[\u4e00-\u9fff]{2,})/, '');
}

/**
 * Finds the workspace department a signature names: the same name, or the same name once a
 * region prefix is removed, or a name the signature ends with ("A市住建局" ↔ "住建局").
 */
export function matchDepartment(signature: string, departments: readonly { code: string; name: string }[]): string | null {
  const s = signature.trim();
  const bare = stripRegion(s);
  let best: { code: string; len: number } | null = null;
  for (const d of departments) {
    const n = d.name.trim();
    if (!n) continue;
    if (n === s || n === bare || stripRegion(n) === bare) return d.code;
    if (n.length >= 3 && s.endsWith(n) && (!best || n.length > best.len)) best = { code: d.code, len: n.length };
  }
  return best?.code ?? null;
}
