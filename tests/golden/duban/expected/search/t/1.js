PP_SEARCH.text(1,[
["plans/duban-2019/index.html","示范区营商环境优化行动方案","plan","","示政〔2019〕8号　示范区人民政府 优化营商环境。"],
["plans/duban-2019/tasks/index.html","任务分解","page","",""],
["plans/duban-2019/tasks/01/index.html","推行企业开办全程网上办理","task","示范区营商环境优化行动方案","序号：1　牵头单位：区市场监管局、区政务服务中心　配合单位：区税务局、区人社局"],
["plans/duban-2019/tasks/02/index.html","压减工程建设项目审批时间","task","示范区营商环境优化行动方案","序号：2　牵头单位：区住建局"]]);
