throw new Error('nodejieba is not installed: Minsheng cuts text with @node-rs/jieba (see stubs/nodejieba-unused/package.json)');
