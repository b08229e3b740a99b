PP_SEARCH.names(["page","bulletin","plan","task","unit"],[
"",
"示范区营商环境优化行动方案"],
"0000index.html\t督办示范站\n000Abulletins/\t工作进展通报\n10AA2019-09-30/\t2019年第三季度营商环境工作进展\n000Bplans\t行动计划\n206Aduban-2019/\t示范区营商环境优化行动方案\n00HAtasks/\t任务分解\n31NA01/\t推行企业开办全程网上办理\n31OB2\t压减工程建设项目审批时间\n31OB3\t建立政企沟通机制\n31OB4\t清理涉企收费\n400Bunits/区人社局\t区人社局\n406B区住建局\t区住建局\n406B区工商联\t区工商联\n406B区市场监管局\t区市场监管局\n406B区政务服务中心\t区政务服务中心\n406B区税务局\t区税务局");
