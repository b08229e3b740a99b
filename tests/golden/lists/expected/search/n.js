PP_SEARCH.names(["page","notice"],[
""],
"0000\t首页\n0000notices/\t通知公告\n10802019-01-01/\t第1号通知\n10E42\t第2号通知\n10E43\t第3号通知\n10E44\t第4号通知\n10E45\t第5号通知");
