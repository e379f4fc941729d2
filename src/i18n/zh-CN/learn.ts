/** Messages of the learned models (src/analyze/learn, topic decisions). */
const learn: Record<string, string> = {
  'learn.topic.prior': '分类常用词',
};
export default learn;
