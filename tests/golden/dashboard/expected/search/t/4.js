PP_SEARCH.text(4,[
["units/街道平安建设办公室/index.html","街道平安建设办公室","unit","",""],
["units/街道民政办公室/index.html","街道民政办公室","unit","",""],
["units/街道社区建设办公室/index.html","街道社区建设办公室","unit","",""]]);
