PP_SEARCH.names(["page","notice"],[
""],
"0000index.html\t示例街道工作进展\n000Aabout/\t关于本站\n000Bnotices\t通知公告\n000Cplan\tplans\n006Ademo/\tdemo\n00BAtasks/\ttasks\n00HA01/\t推进党组织设置全覆盖\n100Bnotices/2019-01-15\t关于开展第一季度工作的通知\n10EB3-01\t关于报送第一季度进展情况的通知");
