PP_SEARCH.text(2,[
["plans/duban-2019/tasks/03/index.html","建立政企沟通机制","task","示范区营商环境优化行动方案","序号：3　牵头单位：区市场监管局　配合单位：区工商联"],
["plans/duban-2019/tasks/04/index.html","清理涉企收费","task","示范区营商环境优化行动方案","序号：4　牵头单位：区市场监管局"],
["units/区人社局/index.html","区人社局","unit","",""],
["units/区住建局/index.html","区住建局","unit","",""]]);
