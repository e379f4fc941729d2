import type { Db } from '../../src/db/connect.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { applyWorkspace } from '../../src/workspace/workspace.ts';

export const PASSWORD = 'correct-horse-9';

/** A small organisation: the office, two departments, and a user of each role. */
export const ORG_YAML = `
version: 1
departments:
  - code: office
    name: 局办公室
    phone: "0571-81234567"
    office: true
  - code: jsk
    name: 建设科
    phone: "0571-81230001"
    responders: [resp_js]
  - code: zfk
    name: 住房保障科
    phone: "0571-81230002"
users:
  - { username: admin1, name: 管理员, role: admin, password: "${PASSWORD}" }
  - { username: office1, name: 办公室小王, role: office, department: office, password: "${PASSWORD}" }
  - { username: resp_js, name: 建设科网评员, role: responder, password: "${PASSWORD}" }
  - { username: head_js, name: 建设科科长, role: head, department: jsk, password: "${PASSWORD}" }
  - { username: resp_zf, name: 住房科网评员, role: responder, department: zfk, password: "${PASSWORD}" }
  - { username: leader1, name: 分管局长, role: leader, password: "${PASSWORD}" }
`;

export async function seedOrg(db: Db): Promise<Record<string, number>> {
  await applyWorkspace(db.kysely, cliActor(), ORG_YAML);
  const rows = await db.kysely.selectFrom('departments').select(['id', 'code']).execute();
  return Object.fromEntries(rows.map((r) => [r.code, r.id]));
}
