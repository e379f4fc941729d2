export default {
  'workspace.unknownDepartment': '部门“{code}”不存在',
  'workspace.duplicate': '“{key}”重复出现',
  'workspace.tooManyAliases': '工作区文件中的 YAML 别名（*引用）展开次数过多（上限 {max} 次），疑似“别名炸弹”，已拒绝，未做任何修改',
  'workspace.invalid': '工作区配置有误，共 {count} 处错误，未做任何修改',
} as const;
