PP_SEARCH.text(0,[
["index.html","督办示范站","page","",""],
["bulletins/index.html","工作进展通报","page","",""],
["bulletins/2019-09-30/index.html","2019年第三季度营商环境工作进展","bulletin","","示范区督查室 第三季度进展。"],
["plans/index.html","行动计划","page","",""]]);
