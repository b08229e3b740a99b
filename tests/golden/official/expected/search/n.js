PP_SEARCH.names(["page"],[
""],
"0000index.html\t示例街道政务公开\n000Aguide/\t公开指南\n000Bnews\t工作动态\n005A2019-01-10/\t召开年度工作部署会\n00BB3-05\t开展“社区服务月”活动");
