PP_SEARCH.text(1,[
["notices/2019-03-01/index.html","关于报送第一季度进展情况的通知","notice","","请各单位于3月25日前报送第一季度工作进展情况。报送材料应当真实准确，内容完整，并由单位主要负责同志审核把关后按时报送街道党建工作办公室。"],
["plans/index.html","plans","page","",""],
["plans/demo/index.html","demo","page","",""],
["plans/demo/tasks/index.html","tasks","page","",""]]);
