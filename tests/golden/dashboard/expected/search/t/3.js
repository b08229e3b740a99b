PP_SEARCH.text(3,[
["plans/demo-2019/tasks/06/index.html","开发社区服务手机应用","task","示范街道社区服务提升行动计划（2019—2020年）","序号：6　牵头单位：街道民政办公室 开发面向居民的社区服务手机应用。"],
["units/街道党政综合办公室/index.html","街道党政综合办公室","unit","",""],
["units/街道民政办公室/index.html","街道民政办公室","unit","",""],
["units/街道社区建设办公室/index.html","街道社区建设办公室","unit","",""]]);
