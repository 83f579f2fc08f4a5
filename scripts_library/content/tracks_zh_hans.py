"""简体中文话术：每种客户类型、每个阶段一条，另有致歉与共情话术。
占位符见 scripts_library.rendering.PLACEHOLDERS。"""

TYPE_GUIDANCE = {
    "forgetful": (
        "宜：语气轻松友好；讲清金额、到期日和付款方式；通话中顺手把付款链接发过去；"
        "到账后发消息确认。\n"
        "忌：施压、暗示后果，或让对方觉得自己很马虎。"
    ),
    "hardship": (
        "宜：先听，给对方说完的时间；表示理解；提出分期或短期延期，金额要对方真能做到；"
        "方案落到书面，每期到期前提前提醒。\n"
        "忌：口气生硬、催得太急，或者答应一个双方都知道做不到的方案。"
    ),
    "dispute": (
        "宜：让对方把问题讲完并如实记录；我们的问题就及时纠正（换货、退款、开红字发票）；"
        "属于误会就拿合同、发票、送货单说明；必要时请经理出面；"
        "请对方先付没有争议的部分。\n"
        "忌：和客户争输赢；在核实期间追讨有争议的金额。"
    ),
    "stalling": (
        "宜：冷静、坚定、前后一致；每次都落实具体金额和具体日期；"
        "依法说明下一步会怎么做，说到就做到，环环相扣，不要一松一紧。\n"
        "忌：威胁、辱骂、夸大后果，或者两次跟进之间隔得太久。"
    ),
    "unknown": (
        "宜：保持中立、礼貌；弄清楚没付款的原因并记下来，方便给客户分类；给对方留台阶。\n"
        "忌：一上来就假定对方恶意拖欠；问档案里已经有答案的问题。"
    ),
}

STAGE_GUIDANCE = {
    "preparation": "拨号前先看档案，逐条核对。",
    "opening": "五秒内问好、报上姓名和公司，再说明来意。",
    "reminder": "简短具体：金额、发票号、日期、付款方式。",
    "negotiation": "提出请求后就停下来，让对方说。结束时要有金额、日期和付款方式。",
    "closing": "复述对方的承诺，表示感谢，并说明下次什么时候联系。",
    "voicemail": "三十秒以内。不留金额等不宜让旁人听到的细节。",
    "sms": "一条短信只提一个请求，尽量控制在七十个字以内。",
    "email": "附上或链接对账单，一封邮件只提一个明确的请求。",
    "letter": "正式、客观，信中每一句都必须属实、合法。",
    "visit": "带齐上门资料：合同、发票、送货单、付款记录和往来记录。",
}

TRACKS = {
    "forgetful": {
        "preparation": (
            "准备：友好提醒电话",
            "- 核对未结发票 {invoice_numbers} 和金额 {amount_due}。\n"
            "- 看一下付款记录：是不是第一次逾期？\n"
            "- 准备好付款链接，随时可以发过去：{payment_link}。\n"
            "- 记下平时是谁审批付款、什么时间最好找。\n"
            "- 安排在对方上班后的前十五分钟打，避开午休。",
        ),
        "opening": (
            "开场：轻松问候",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "打扰您一分钟，有个账务上的小事跟您确认一下。"
            "我们这边显示发票 {invoice_numbers} 还有{amount_due}没有结清，"
            "到期日是{oldest_due_date}。可能是最近事情多，一时没顾上，麻烦您帮忙查一下好吗？",
        ),
        "reminder": (
            "提醒：金额、日期和付款方式",
            "{contact_name}您好，温馨提醒一下：发票 {invoice_numbers} 共{amount_due}，"
            "{oldest_due_date}已经到期了。最方便的是直接用付款链接：{payment_link}。"
            "我现在发短信给您，您手边就有了，可以吗？",
        ),
        "negotiation": (
            "协商：约定付款日期",
            "谢谢您帮忙查，{contact_name}。这笔{amount_due}您看哪天方便安排付款？"
            "如果能赶上这周的付款批次就最好了。您定好日子，我这边记下来，再把付款信息发给您。",
        ),
        "closing": (
            "结束：确认并致谢",
            "太好了，那就是{promise_date}付{promise_amount}。我马上把确认信息和付款链接发给您。"
            "谢谢您这么快就帮我们处理，{contact_name}，跟您合作一直很愉快。",
        ),
        "voicemail": (
            "语音留言：轻松提醒",
            "{contact_name}您好，我是{company_name}的{collector_name}，"
            "有个账务上的小问题想跟您确认一下。您方便的时候回个电话，"
            "或者直接回复我稍后发的短信就可以。谢谢您，祝您工作顺利。",
        ),
        "sms": (
            "短信：付款链接",
            "{contact_name}您好，{company_name}温馨提醒：发票{invoice_numbers}共{amount_due}，"
            "已于{oldest_due_date}到期。点此一分钟完成付款：{payment_link}。如已付款，谢谢，请忽略本短信。",
        ),
        "email": (
            "邮件：友好提醒并附对账单",
            "主题：温馨提醒：发票 {invoice_numbers}\n\n"
            "{contact_name}您好：\n\n"
            "打扰了。提醒您一下，发票 {invoice_numbers} 共{amount_due}，"
            "已于{oldest_due_date}到期。附件是对账单，供您核对。\n\n"
            "您可以通过这个链接直接付款：{payment_link}。"
            "如果款项已经在途，非常感谢，麻烦告诉我付款日期，方便我们这边核销。\n\n"
            "祝好！\n{collector_name}\n{company_name}",
        ),
        "letter": (
            "信函：礼貌提醒",
            "{contact_name}您好：\n\n"
            "事由：{debtor_name}未结发票 {invoice_numbers}\n\n"
            "根据我方记录，贵司应于{oldest_due_date}支付的{amount_due}目前尚未到账。"
            "发票偶有遗漏在所难免，现随函附上对账单一份。\n\n"
            "烦请按对账单上的账户信息或通过{payment_link}尽早安排付款。"
            "如贵司已经付款，谨致谢意，请忽略本函。\n\n"
            "此致\n敬礼\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "上门：顺路拜访",
            "{contact_name}您好，我是{company_name}的{collector_name}。今天正好在附近，"
            "顺道过来看看您。另外想跟您说一下，发票 {invoice_numbers} 还有{amount_due}没结，"
            "复印件我都带来了。咱们一起看一下，定个付款时间，您看行吗？",
        ),
    },
    "hardship": {
        "preparation": (
            "准备：了解对方的处境",
            "- 看之前的通话记录：对方说过资金上有什么困难？\n"
            "- 看最近的付款情况，哪怕是小额也算：目前未结{amount_due}。\n"
            "- 清楚自己不经审批可以给出哪些分期或延期方案。\n"
            "- 了解对方的回款日，也就是他们的客户什么时候付钱。\n"
            "- 安排在下午打，心态放平，留足时间听对方说。",
        ),
        "opening": (
            "开场：平和、开放",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "您现在方便说几分钟吗？我想跟您聊一下{amount_due}的未结款。"
            "也想了解一下您那边目前的情况，看看怎么安排对双方都合适。",
        ),
        "reminder": (
            "提醒：下一期到期前",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "{promise_date}有一期{promise_amount}要到期了，提前跟您确认一下，一切还顺利吧？"
            "如果有什么变化，您现在告诉我，我们一起想办法。",
        ),
        "negotiation": (
            "协商：能兑现的方案",
            "谢谢您跟我说这些，{contact_name}，这段时间确实不容易。"
            "咱们定一个实际能做到的方案。目前未结{amount_due}，分成按月付款会不会好一些？"
            "您看每个月付多少，不会给公司运转增加太大压力？"
            "我宁可定一个小一点、您能做到的数，也不想定一个大数最后做不到。",
        ),
        "closing": (
            "结束：确认分期方案",
            "那我们就说定了：第一期{promise_amount}，{promise_date}付，"
            "完整的还款计划我今天书面发给您。每期到期前几天我会打电话提醒您。"
            "谢谢您这么坦诚，{contact_name}。如果情况有变化，请第一时间告诉我。",
        ),
        "voicemail": (
            "语音留言：邀请沟通",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "想跟您沟通一下账户的事，看看什么样的安排适合您。您方便的时候给我回个电话，谢谢。",
        ),
        "sms": (
            "短信：分期提醒",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "提醒您本期{promise_amount}将于{promise_date}到期。如有变化，请在此之前给我来电，谢谢。",
        ),
        "email": (
            "邮件：提出还款方案",
            "主题：关于贵司在{company_name}的账款，商量一个还款方案\n\n"
            "{contact_name}您好：\n\n"
            "感谢您抽时间跟我沟通。我理解贵司目前经营压力比较大，"
            "我们也希望用一个您能承受的方式，把{amount_due}的未结款逐步结清。\n\n"
            "我们可以按月分期，也可以短期延后。麻烦您回复一下您觉得实际可行的金额和日期，"
            "我这边确认后出一份书面还款计划。\n\n"
            "祝好！\n{collector_name}\n{company_name}",
        ),
        "letter": (
            "信函：分期还款确认",
            "{contact_name}您好：\n\n"
            "事由：{debtor_name}分期还款安排\n\n"
            "根据双方此前的沟通，现确认未结款{amount_due}的分期安排："
            "第一期{promise_amount}，于{promise_date}支付；其余各期详见随函所附计划表。\n\n"
            "每期到期前几天我们会提前提醒。如贵司情况有变，请在到期日前与我们联系，"
            "双方再一起调整。\n\n"
            "此致\n敬礼\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "上门：一起商量方案",
            "{contact_name}您好，谢谢您抽时间见我。我今天来不是给您添麻烦的，"
            "是想了解一下实际情况，把这{amount_due}定一个您真正做得到的计划。"
            "您方便跟我说说，接下来几个月大概什么时候有回款吗？",
        ),
    },
    "dispute": {
        "preparation": (
            "准备：证据资料",
            "- 打电话前把争议记录和相关备注全部看一遍。\n"
            "- 准备好合同、发票 {invoice_numbers}、送货单和验收记录。\n"
            "- 清楚有争议的金额 {disputed_amount} 和没有争议的部分 {undisputed_amount}。\n"
            "- 核实之前答应过对方什么（换货、开红字发票等）。\n"
            "- 确认哪位经理可以出面，什么时候有空。",
        ),
        "opening": (
            "开场：请对方说明情况",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "听说您对发票 {invoice_numbers} 有些意见，我想认真听您说一说，"
            "有问题我们一定处理好。您能跟我讲讲具体是什么情况吗？",
        ),
        "reminder": (
            "提醒：没有争议的部分",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "您提的问题我们正在核实，其余的账目没有异议。"
            "麻烦您这周先把没有争议的{undisputed_amount}安排一下，好吗？"
            "这样您的账户保持正常，剩下的我们尽快给您答复。",
        ),
        "negotiation": (
            "协商：解决问题，先付其余部分",
            "谢谢您讲得这么清楚，{contact_name}。我这边这样处理：先去核对送货记录，"
            "{promise_date}之前给您回复。如果确实是我们弄错了，我们开红字发票冲掉。"
            "在这之前，没有争议的{undisputed_amount}能不能先安排？您看哪天方便？",
        ),
        "closing": (
            "结束：复述下一步",
            "我跟您确认一下：我这边把相关单据和争议部分的处理结果发给您，"
            "您那边{promise_date}安排{promise_amount}。"
            "谢谢您直接跟我们反映，{contact_name}，这样我们才能把事情做对。",
        ),
        "voicemail": (
            "语音留言：跟进对方的问题",
            "{contact_name}您好，我是{company_name}的{collector_name}，"
            "关于您上次提到的发票问题，现在有进展想跟您说一下。您方便时给我回个电话，谢谢。",
        ),
        "sms": (
            "短信：核实进展",
            "{contact_name}您好，{company_name}正在核实您对发票{invoice_numbers}提出的问题，"
            "将于{promise_date}前答复。无争议的{undisputed_amount}可在此支付：{payment_link}。谢谢。",
        ),
        "email": (
            "邮件：证据与无争议金额",
            "主题：关于发票 {invoice_numbers} 的问题\n\n"
            "{contact_name}您好：\n\n"
            "感谢您把问题告诉我们。相关资料已附上：签收的送货单、发票和合同的相关条款。"
            "麻烦您核对一下，如果还有和贵司记录对不上的地方，请告诉我。\n\n"
            "其余的{undisputed_amount}不受这个问题影响。"
            "在我们核实有争议的{disputed_amount}期间，烦请先安排这部分付款，谢谢。\n\n"
            "祝好！\n{collector_name}\n{company_name}",
        ),
        "letter": (
            "信函：争议发票处理意见",
            "{contact_name}您好：\n\n"
            "事由：关于发票 {invoice_numbers} 的异议\n\n"
            "贵司提出的问题我们已逐项核实，核实结果及相关单据随函附上；"
            "确属我方差错的部分，已附红字发票。\n\n"
            "无争议部分{undisputed_amount}仍需支付，请贵司安排。"
            "如对核实结果仍有不同意见，请告知具体条目，我司经理很乐意与您面谈。\n\n"
            "此致\n敬礼\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "上门：当面核对单据",
            "{contact_name}您好，谢谢您见我。合同、发票和送货单我都带来了，"
            "咱们一条一条对一下您提的问题。是我们的错，我负责纠正。"
            "对清楚以后，没有争议的{undisputed_amount}能不能先结一下？",
        ),
    },
    "stalling": {
        "preparation": (
            "准备：承诺记录",
            "- 把每一次承诺和违约都列出来：日期、谁答应的。\n"
            "- 核对金额 {amount_due}，确认发票 {invoice_numbers} 没有争议。\n"
            "- 打电话前先定好下一步（上门、经理出面、正式函件），并确认已获批准。\n"
            "- 只准备一个明确的请求：具体金额、具体日期。\n"
            "- 保持平静，这是按流程办事，不针对个人。",
        ),
        "opening": (
            "开场：直接而礼貌",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "今天来电是想跟您沟通一下{overdue_amount}的逾期款，目前已经逾期{days_overdue}了。"
            "之前我们沟通过，但款项一直没到。今天想跟您定一个确定的付款日期。",
        ),
        "reminder": (
            "提醒：约定的日期",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "您之前确认{promise_date}付{promise_amount}，我打电话确认一下能按时付出。"
            "今天能安排进付款流程吗？",
        ),
        "negotiation": (
            "协商：具体金额和日期",
            "我理解，{contact_name}。这几张发票没有任何问题，{amount_due}也已经逾期{days_overdue}了。"
            "今天我需要您给一个具体金额和具体日期。如果一次付清有困难，"
            "这周能先付多少？剩下的哪天付？",
        ),
        "closing": (
            "结束：复述承诺和下一步",
            "那我们约定{promise_date}付{promise_amount}，我今天会发书面确认给您。"
            "到那天我会核对到账情况，如果没有收到，这个账户会按流程转给我们经理处理下一步。"
            "谢谢您，{contact_name}。",
        ),
        "voicemail": (
            "语音留言：请今天回电",
            "{contact_name}您好，我是{company_name}的{collector_name}，"
            "有件关于贵司账户的事需要今天跟您沟通，麻烦您尽快回个电话。具体情况我也会书面发给您，谢谢。",
        ),
        "sms": (
            "短信：约定款项未到",
            "{company_name}：您承诺{promise_date}支付的{promise_amount}尚未到账。"
            "请今天通过{payment_link}付款，或致电{collector_name}确认付款日期。",
        ),
        "email": (
            "邮件：承诺未兑现的说明",
            "主题：逾期款{overdue_amount}：约定付款未到账\n\n"
            "{contact_name}您好：\n\n"
            "上次通话时您同意在{promise_date}前支付{promise_amount}。"
            "截至今天，我们仍未收到这笔款项，逾期金额{overdue_amount}已逾期{days_overdue}。\n\n"
            "请在三个工作日内付款，或回复一个确定的付款金额和日期。"
            "如果没有收到您的回复，这个账户将转交我们经理决定下一步处理，可能包括发出正式催款函。\n\n"
            "{collector_name}\n{company_name}",
        ),
        "letter": (
            "信函：正式催款函",
            "{contact_name}您好：\n\n"
            "事由：{debtor_name}欠款正式催告\n\n"
            "经我方多次电话及书面联系，"
            "贵司发票 {invoice_numbers} 项下{overdue_amount}至今仍未支付，"
            "已逾期{days_overdue}。相关货物和服务均已交付，贵司亦未对上述发票提出异议。\n\n"
            "请贵司自本函发出之日起十四日内付清全部款项。"
            "逾期仍未付款的，我司将考虑依照合同约定和法律规定的途径追收欠款，并会在采取行动前通知贵司。\n\n"
            "此致\n敬礼\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "上门：面见决策人",
            "{contact_name}您好，我是{company_name}的{collector_name}。"
            "几次约定的日期都过了还没付款，所以今天亲自过来一趟。"
            "发票和我们的通话记录我都带来了。今天希望能带回一份签字的付款承诺：付多少，哪天付？",
        ),
    },
    "unknown": {
        "preparation": (
            "准备：首次联系",
            "- 核对金额 {amount_due}、发票 {invoice_numbers} 和最早到期日 {oldest_due_date}。\n"
            "- 看有没有备注、争议或之前的付款记录。\n"
            "- 找对人：{debtor_name}那边是谁审批付款？\n"
            "- 准备好问题，弄清楚没付款的原因，便于给客户分类。\n"
            "- 在对方上班刚开始时打，避开午休。",
        ),
        "opening": (
            "开场：中性首次来电",
            "您好，请问是{contact_name}吗？我是{company_name}的{collector_name}。"
            "打扰您一下，是关于发票 {invoice_numbers} 的事，合计{amount_due}，"
            "到期日是{oldest_due_date}。请问付款这边是遇到什么情况了吗？"
            "还是我们这边有什么需要核对的地方？",
        ),
        "reminder": (
            "提醒：中性",
            "{contact_name}您好，我是{company_name}的{collector_name}，"
            "提醒您一下，发票 {invoice_numbers} 共{amount_due}，到期日是{oldest_due_date}。"
            "麻烦问一下大概什么时候可以安排付款？",
        ),
        "negotiation": (
            "协商：找原因，定日期",
            "谢谢您，{contact_name}。方便问一下付款卡在哪个环节吗？"
            "是发票本身的问题、您那边时间上的安排，还是别的原因？"
            "了解清楚了，我们再定一个合适的日期。这笔{amount_due}您看哪天方便？",
        ),
        "closing": (
            "结束：确认承诺",
            "谢谢您，{contact_name}。跟您确认一下：{promise_date}付{promise_amount}。"
            "我今天会把书面确认发给您。中间有什么情况，随时告诉我。",
        ),
        "voicemail": (
            "语音留言：中性",
            "{contact_name}您好，我是{company_name}的{collector_name}，"
            "关于贵司在我们这边的账户想跟您沟通一下，您方便时给我回个电话，谢谢。",
        ),
        "sms": (
            "短信：中性提醒",
            "{contact_name}您好，{company_name}提醒：发票{invoice_numbers}共{amount_due}，"
            "已于{oldest_due_date}到期。付款链接：{payment_link}；如有疑问请回复。",
        ),
        "email": (
            "邮件：对账单及付款请求",
            "主题：{company_name}对账单\n\n"
            "{contact_name}您好：\n\n"
            "附件是贵司最新的对账单。我们这边记录，发票 {invoice_numbers} 共{amount_due}，"
            "到期日为{oldest_due_date}。\n\n"
            "麻烦告知一下付款的大概安排。如果对账单上有和贵司记录不一致的地方，"
            "请告诉我们，我们马上核查。\n\n"
            "祝好！\n{collector_name}\n{company_name}",
        ),
        "letter": (
            "信函：对账通知",
            "{contact_name}您好：\n\n"
            "事由：{debtor_name}对账通知\n\n"
            "根据我方记录，贵司发票 {invoice_numbers} 项下{amount_due}已经逾期，"
            "其中最早一笔于{oldest_due_date}到期。现随函附上对账单。\n\n"
            "请贵司安排付款；如对所列款项有任何疑问，欢迎随时与我们联系。\n\n"
            "此致\n敬礼\n{collector_name}\n{company_name}",
        ),
        "visit": (
            "上门：介绍并了解情况",
            "{contact_name}您好，我是{company_name}的{collector_name}，谢谢您抽时间见我。"
            "发票 {invoice_numbers} 的对账单我带来了。想了解一下您那边的情况，"
            "一起商量这{amount_due}怎么安排比较好。",
        ),
    },
}

# 致歉与共情:归在“异议处理”阶段,每条一个系列。以个人名义道歉,真诚表达,
# 感谢对方告知,再说清楚接下来怎么做。
EXTRA_TRACKS = [
    {
        "key": "apology-our-error",
        "debtor_type": "unknown",
        "title": "致歉：我们这边出了错",
        "body": "{contact_name}，真的很抱歉，这事本不该发生，给您添麻烦了。"
        "谢谢您告诉我。我今天就改过来，下班前把更正后的发票发到您邮箱。",
    },
    {
        "key": "apology-late-statement",
        "debtor_type": "forgetful",
        "title": "致歉：对账单没收到",
        "body": "不好意思，{contact_name}，对账单没送到您手上，您也没法按时付款。"
        "我现在就把对账单和付款链接一起发到您邮箱。",
    },
    {
        "key": "apology-product-problem",
        "debtor_type": "dispute",
        "title": "致歉：产品或服务出了问题",
        "body": "{contact_name}，这确实太糟糕了，让您费心处理，我很抱歉。"
        "谢谢您直接告诉我们。我今天就转给售后同事，{promise_date}之前给您回电话，说明我们怎么处理。",
    },
    {
        "key": "apology-repeated-calls",
        "debtor_type": "unknown",
        "title": "致歉：电话打得太多",
        "body": "{contact_name}，如果我们电话打得太频繁，给您带来不便，我向您道歉。"
        "咱们约一个您方便的时间，之后我只在那个时间联系您，好吗？",
    },
    {
        "key": "apology-wrong-person",
        "debtor_type": "unknown",
        "title": "致歉：找错了人",
        "body": "不好意思打扰您了。麻烦问一下，{debtor_name}负责供应商付款的是哪位？"
        "怎么联系比较方便？非常感谢您。",
    },
    {
        "key": "empathy-forgetful",
        "debtor_type": "forgetful",
        "title": "共情：最近太忙",
        "body": "没关系的，{contact_name}，月底忙起来谁都有顾不上的时候。"
        "我现在把链接发给您，一分钟就能弄好。",
    },
    {
        "key": "empathy-hardship",
        "debtor_type": "hardship",
        "title": "共情：资金周转困难",
        "body": "谢谢您跟我说实话，{contact_name}，这段时间公司确实不容易。"
        "咱们看看怎样安排比较现实，一个能做到的计划对双方都好。",
    },
    {
        "key": "empathy-dispute",
        "debtor_type": "dispute",
        "title": "共情：对方觉得不被重视",
        "body": "我理解您为什么不满意，{contact_name}，换了是我也会有同样的感受。"
        "我把细节都记清楚，一定把这件事处理好。",
    },
    {
        "key": "empathy-stalling",
        "debtor_type": "stalling",
        "title": "共情：表示理解，但坚持要求",
        "body": "知道您那边事情多，{contact_name}，谢谢您接我的电话。"
        "不过{amount_due}今天还是需要您给我一个确切的日期，您看哪天可以？",
    },
    {
        "key": "empathy-angry-caller",
        "debtor_type": "unknown",
        "title": "共情：对方情绪激动",
        "body": "听得出来这件事让您很恼火，{contact_name}，我是真心想帮您解决。"
        "如果您愿意，我可以请我们经理今天给您回电话，当面跟您沟通。您看什么时间方便？",
    },
]
