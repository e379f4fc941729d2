import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseExpression, type RuleNode } from '../../src/analyze/rules/parser.ts';
import { RuleSyntaxError } from '../../src/analyze/rules/syntax-error.ts';

/** A compact, readable form of the tree: (AND a b), (OR …), (NOT a), (NEAR/5 a b), title:a, "a b". */
function show(n: RuleNode): string {
  switch (n.kind) {
    case 'term': {
      const v = n.phrase ? `"${n.value}"` : n.value;
      return n.fields ? `${n.fields.join('|')}:${v}` : v;
    }
    case 'and':
      return `(AND ${n.children.map(show).join(' ')})`;
    case 'or':
      return `(OR ${n.children.map(show).join(' ')})`;
    case 'not':
      return `(NOT ${show(n.child)})`;
    case 'near':
      return `(NEAR/${n.distance} ${show(n.left)} ${show(n.right)})`;
  }
}

const p = (s: string) => show(parseExpression(s));

function fails(expr: string, code: string, position: number, zh: RegExp) {
  assert.throws(
    () => parseExpression(expr),
    (err: unknown) => {
      assert.ok(err instanceof RuleSyntaxError, `expected RuleSyntaxError for ${expr}`);
      assert.equal(err.syntax, code, `code for ${JSON.stringify(expr)}: ${err.message}`);
      assert.equal(err.position, position, `position for ${JSON.stringify(expr)}: ${err.userMessage}`);
      assert.match(err.userMessage, zh);
      assert.equal(err.status, 400);
      return true;
    },
  );
}

describe('watch-rule expressions: parsing', () => {
  test('OR binds looser than AND, and juxtaposition is AND', () => {
    assert.equal(p('物业 收费 OR 停车'), '(OR (AND 物业 收费) 停车)');
    assert.equal(p('物业 AND 收费 OR 停车 AND 乱收费'), '(OR (AND 物业 收费) (AND 停车 乱收费))');
    assert.equal(p('物业 & 收费 | 停车'), '(OR (AND 物业 收费) 停车)');
    assert.equal(p('物业 && (收费 || 停车)'), '(AND 物业 (OR 收费 停车))');
  });

  test('NOT binds tightest, in word and minus form', () => {
    assert.equal(p('小区 NOT 广告'), '(AND 小区 (NOT 广告))');
    assert.equal(p('小区 -广告 -招聘'), '(AND 小区 (NOT 广告) (NOT 招聘))');
    assert.equal(p('NOT 广告 小区'), '(AND (NOT 广告) 小区)');
    assert.equal(p('小区 -(广告 OR 招聘)'), '(AND 小区 (NOT (OR 广告 招聘)))');
    // a hyphen inside a word is part of the word
    assert.equal(p('G-20 峰会'), '(AND G-20 峰会)');
  });

  test('quoted phrases keep spaces and operator words as text', () => {
    assert.equal(p('"沿港西路 施工" 噪音'), '(AND "沿港西路 施工" 噪音)');
    assert.equal(p('“投诉 OR 举报”'), '"投诉 OR 举报"');
    assert.equal(p('（物业 OR 业委会） 维修基金'), '(AND (OR 物业 业委会) 维修基金)');
  });

  test('NEAR/n binds tighter than AND; NEAR alone means 10', () => {
    assert.equal(p('房子 NEAR/5 裂缝 赔偿'), '(AND (NEAR/5 房子 裂缝) 赔偿)');
    assert.equal(p('拆迁 NEAR 补偿'), '(NEAR/10 拆迁 补偿)');
    assert.equal(p('(楼盘 OR 小区) NEAR/8 交房'), '(NEAR/8 (OR 楼盘 小区) 交房)');
  });

  test('field scopes apply to a term, a phrase or a group, in English or Chinese', () => {
    assert.equal(p('title:烂尾 楼盘'), '(AND title:烂尾 楼盘)');
    assert.equal(p('author:"张 三"'), 'author:"张 三"');
    assert.equal(p('source:(论坛 OR 留言板) 投诉'), '(AND (OR source:论坛 source:留言板) 投诉)');
    assert.equal(p('标题：停水 text:小区'), '(AND title:停水 text:小区)');
    // a URL is a literal term, not a field
    assert.equal(p('http://bbs.example.cn'), 'http://bbs.example.cn');
  });

  test('every error names its 1-based character position in Chinese', () => {
    fails('', 'empty', 1, /表达式为空/);
    fails('   ', 'empty', 1, /表达式为空/);
    fails('(物业 OR 业委会 维修基金', 'missingRightParen', 16, /第 16 个字符处缺少右括号（与第 1 个字符处的左括号配对）/);
    fails('物业 OR 业委会)', 'unexpectedRightParen', 10, /第 10 个字符处多了一个右括号/);
    fails('物业 ()', 'emptyGroup', 4, /第 4 个字符处的括号内没有条件/);
    fails('"沿港西路 施工', 'unclosedQuote', 1, /第 1 个字符处的引号没有闭合/);
    fails('物业 ""', 'emptyPhrase', 4, /第 4 个字符处的短语为空/);
    fails('OR 物业', 'missingOperand', 1, /第 1 个字符处的“OR”缺少左侧的条件/);
    fails('物业 AND', 'missingOperand', 4, /第 4 个字符处的“AND”缺少右侧的条件/);
    fails('物业 OR OR 收费', 'missingOperand', 4, /“OR”缺少右侧/);
    fails('物业 & | 收费', 'missingOperand', 4, /“&”缺少右侧/);
    fails('物业 NOT', 'missingOperand', 4, /“NOT”缺少右侧/);
    fails('拆迁 NEAR/0 补偿', 'badNear', 4, /NEAR 距离应为 1 到 200 之间的整数/);
    fails('拆迁 NEAR/x 补偿', 'badNear', 4, /第 4 个字符处/);
    fails('拆迁 NEAR/999 补偿', 'badNear', 4, /NEAR/);
    fails('拆迁 NEAR/5 -补偿', 'nearOperand', 4, /NEAR 两侧只能是词语/);
    fails('(拆迁 补偿) NEAR/5 房子', 'nearOperand', 9, /NEAR 两侧/);
    fails('titel:烂尾', 'unknownField', 1, /字段“titel”不存在/);
    fails('物业 title: 收费', 'fieldWithoutTerm', 4, /第 4 个字符处的字段“title:”后缺少检索词/);
    fails('title:author:张三', 'nestedField', 7, /不能嵌套/);
    fails('title:(author:张三)', 'nestedField', 8, /不能嵌套/);
    fails('-广告', 'onlyNegative', 1, /不能只包含排除条件/);
    fails('物业 OR -广告', 'onlyNegative', 1, /不能只包含排除条件/);
    fails('物业 '.repeat(700), 'tooLong', 2001, /表达式过长/);
    fails('('.repeat(60) + '物业' + ')'.repeat(60), 'tooDeep', 42, /嵌套过深/);
  });

  test('a syntax error is a 400 validation error with details for the console', () => {
    try {
      parseExpression('(物业');
      assert.fail('should throw');
    } catch (err) {
      assert.ok(err instanceof RuleSyntaxError);
      assert.deepEqual(err.details, { code: 'missingRightParen', position: 4 });
      assert.match(err.message, /^expression error at character 4: missing "\)"/);
    }
  });
});
