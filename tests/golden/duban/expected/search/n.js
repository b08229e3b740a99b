PP_SEARCH.names(["page","plan","task","unit","bulletin"],[
"",
"示范区营商环境优化行动方案"],
"0000index.html\t督办示范站\n000Abulletins/\t工作进展通报\n000Dpla\t行动计划\n106Aduban-2019/\t示范区营商环境优化行动方案\n00HAtasks/\t任务分解\n21NA01/\t推行企业开办全程网上办理\n21OB2\t压减工程建设项目审批时间\n21OB3\t建立政企沟通机制\n21OB4\t清理涉企收费\n300Bunits/区人社局\t区人社局\n306B区住建局\t区住建局\n306B区工商联\t区工商联\n306B区市场监管局\t区市场监管局\n306B区政务服务中心\t区政务服务中心\n306B区税务局\t区税务局\n400Bbulletins/2019-09-30\t2019年第三季度营商环境工作进展");
