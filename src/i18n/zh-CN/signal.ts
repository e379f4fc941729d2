/** Appeal type (诉求类型), emotion (情绪), corrections in effect, and the grievance reading of sentiment (issue 17). */
export default {
  'signal.reason.framing': '礼貌与期望用语不计',
  'signal.reason.asked': '诉求中的期望不计',
  'signal.reason.complaintNotPositive': '{label}类诉求不判正面',
  'signal.reason.complaintNegative': '{label}类诉求，且有负面用语',
  'signal.appeal.complaint': '投诉',
  'signal.appeal.help': '求助',
  'signal.appeal.inquiry': '咨询',
  'signal.appeal.suggestion': '建议',
  'signal.appeal.praise': '表扬',
  'signal.appeal.cues': '{label}用语：{words}',
  'signal.appeal.grievance': '诉说问题或不满',
  'signal.appeal.questions': '含提问',
  'signal.appeal.decided': '判为{label}',
  'signal.appeal.guess': '未见明显诉求用语，按情感倾向推定为{label}',
} as const;
