PP_SEARCH.text(3,[
["units/区工商联/index.html","区工商联","unit","",""],
["units/区市场监管局/index.html","区市场监管局","unit","",""],
["units/区政务服务中心/index.html","区政务服务中心","unit","",""],
["units/区税务局/index.html","区税务局","unit","",""]]);
