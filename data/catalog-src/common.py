# common.py — building blocks of the catalog (tools/gen-catalog.py): departments, the
# material and form-field libraries, pre-review rule helpers, process templates and laws.
# Every text is a (zh, en) pair; the generator expands them into "x" / "x_en" members.

# --- departments: key -> (name, name_en, consult phone) ------------------------------------
DEPTS = {
    "GA":   ("上海市公安局", "Shanghai Public Security Bureau", "021-12345"),
    "CRJ":  ("上海市公安局出入境管理局", "Exit-Entry Administration, Shanghai Public Security Bureau", "021-28951900"),
    "JJ":   ("上海市公安局交通警察总队", "Traffic Police Corps, Shanghai Public Security Bureau", "12123"),
    "RS":   ("上海市人力资源和社会保障局", "Shanghai Human Resources and Social Security Bureau", "12333"),
    "YB":   ("上海市医疗保障局", "Shanghai Healthcare Security Administration", "12393"),
    "GJJ":  ("上海市住房公积金管理中心", "Shanghai Housing Provident Fund Management Centre", "12329"),
    "SC":   ("上海市市场监督管理局", "Shanghai Administration for Market Regulation", "12315"),
    "SW":   ("国家税务总局上海市税务局", "Shanghai Tax Service, State Taxation Administration", "12366"),
    "MZ":   ("上海市民政局", "Shanghai Civil Affairs Bureau", "021-12345"),
    "WJ":   ("上海市卫生健康委员会", "Shanghai Municipal Health Commission", "12320"),
    "JW":   ("上海市教育委员会", "Shanghai Municipal Education Commission", "021-12345"),
    "JT":   ("上海市交通委员会", "Shanghai Municipal Transportation Commission", "12328"),
    "GH":   ("上海市规划和自然资源局", "Shanghai Planning and Natural Resources Bureau", "021-12345"),
    "BDC":  ("上海市不动产登记局", "Shanghai Real Estate Registration Bureau", "021-12345"),
    "FG":   ("上海市房屋管理局", "Shanghai Housing Administration Bureau", "021-12345"),
    "ZJ":   ("上海市住房和城乡建设管理委员会", "Shanghai Housing and Urban-Rural Development Commission", "021-12345"),
    "CL":   ("上海市残疾人联合会", "Shanghai Disabled Persons' Federation", "12385"),
    "TY":   ("上海市退役军人事务局", "Shanghai Veterans Affairs Bureau", "021-12345"),
    "YJ":   ("上海市药品监督管理局", "Shanghai Medical Products Administration", "12315"),
    "SF":   ("上海市司法局", "Shanghai Justice Bureau", "12348"),
    "KW":   ("上海市科学技术委员会", "Shanghai Science and Technology Commission", "021-12345"),
    "JX":   ("上海市经济和信息化委员会", "Shanghai Economy and Information Technology Commission", "021-12345"),
    "SWW":  ("上海市商务委员会", "Shanghai Municipal Commission of Commerce", "021-12345"),
    "WL":   ("上海市文化和旅游局", "Shanghai Municipal Administration of Culture and Tourism", "12318"),
    "XW":   ("上海市新闻出版局", "Shanghai Press and Publication Administration", "021-12345"),
    "HJ":   ("上海市生态环境局", "Shanghai Ecology and Environment Bureau", "12345"),
    "SWJ":  ("上海市水务局", "Shanghai Water Authority", "021-12345"),
    "LH":   ("上海市绿化和市容管理局", "Shanghai Landscaping and City Appearance Administration", "021-12345"),
    "XF":   ("上海市消防救援总队", "Shanghai Fire and Rescue Corps", "12345"),
}

# --- laws: key -> (zh, en) -------------------------------------------------------------------
LAWS = {
    "jzz":      ("《居住证暂行条例》", "Interim Regulations on Residence Permits"),
    "sh_jzz":   ("《上海市居住证管理办法》（沪府令58号）", "Shanghai Measures on Residence Permits (Municipal Order No. 58)"),
    "sh_jf":    ("《上海市居住证积分管理办法》", "Shanghai Measures on Residence Permit Points"),
    "hukou":    ("《中华人民共和国户口登记条例》", "Regulations of the PRC on Household Registration"),
    "sfz":      ("《中华人民共和国居民身份证法》", "Resident Identity Card Law of the PRC"),
    "crj":      ("《中华人民共和国出境入境管理法》", "Exit and Entry Administration Law of the PRC"),
    "hz":       ("《中华人民共和国护照法》", "Passport Law of the PRC"),
    "gat":      ("《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》", "Interim Measures on Private Travel of Chinese Citizens to Hong Kong or Macao"),
    "tw":       ("《中国公民往来台湾地区管理办法》", "Measures on Travel of Chinese Citizens to and from Taiwan"),
    "sbf":      ("《中华人民共和国社会保险法》", "Social Insurance Law of the PRC"),
    "sbf_58":   ("《中华人民共和国社会保险法》第五十八条", "Social Insurance Law of the PRC, Article 58"),
    "sbf_16":   ("《中华人民共和国社会保险法》第十六条", "Social Insurance Law of the PRC, Article 16"),
    "sbf_45":   ("《中华人民共和国社会保险法》第四十五条", "Social Insurance Law of the PRC, Article 45"),
    "sbf_57":   ("《中华人民共和国社会保险法》第五十七条", "Social Insurance Law of the PRC, Article 57"),
    "sbf_74":   ("《中华人民共和国社会保险法》第七十四条", "Social Insurance Law of the PRC, Article 74"),
    "zjtl":     ("《社会保险费征缴暂行条例》", "Interim Regulations on the Collection of Social Insurance Premiums"),
    "syl":      ("《失业保险条例》", "Regulations on Unemployment Insurance"),
    "gs":       ("《工伤保险条例》", "Regulations on Work-Related Injury Insurance"),
    "jycj":     ("《中华人民共和国就业促进法》", "Employment Promotion Law of the PRC"),
    "jyfw":     ("《就业服务与就业管理规定》", "Provisions on Employment Services and Employment Management"),
    "ldht":     ("《中华人民共和国劳动合同法》", "Labour Contract Law of the PRC"),
    "ldf":      ("《中华人民共和国劳动法》", "Labour Law of the PRC"),
    "ybjj":     ("《医疗保障基金使用监督管理条例》", "Regulations on the Supervision of Medical Security Fund Use"),
    "sh_yb":    ("《上海市基本医疗保险办法》", "Shanghai Measures on Basic Medical Insurance"),
    "gjj":      ("《住房公积金管理条例》", "Regulations on the Management of Housing Provident Funds"),
    "gjj_24":   ("《住房公积金管理条例》第二十四条", "Regulations on the Management of Housing Provident Funds, Article 24"),
    "gjj_14":   ("《住房公积金管理条例》第十四条", "Regulations on the Management of Housing Provident Funds, Article 14"),
    "mfd":      ("《中华人民共和国民法典》", "Civil Code of the PRC"),
    "hydj":     ("《婚姻登记条例》", "Regulations on Marriage Registration"),
    "shjz":     ("《社会救助暂行办法》", "Interim Measures on Social Assistance"),
    "lnr":      ("《中华人民共和国老年人权益保障法》", "Law of the PRC on the Protection of the Rights and Interests of the Elderly"),
    "sh_lnr":   ("《上海市老年人权益保障条例》", "Shanghai Regulations on the Protection of the Rights and Interests of the Elderly"),
    "bz":       ("《殡葬管理条例》", "Regulations on Funeral and Interment Administration"),
    "cjr":      ("《中华人民共和国残疾人保障法》", "Law of the PRC on the Protection of Persons with Disabilities"),
    "cjrjy":    ("《残疾人就业条例》", "Regulations on the Employment of Persons with Disabilities"),
    "cjrkf":    ("《残疾预防和残疾人康复条例》", "Regulations on Disability Prevention and Rehabilitation"),
    "myfb":     ("《中华人民共和国母婴保健法》", "Law of the PRC on Maternal and Infant Health Care"),
    "rkjs":     ("《中华人民共和国人口与计划生育法》", "Population and Family Planning Law of the PRC"),
    "sh_rkjs":  ("《上海市人口与计划生育条例》", "Shanghai Regulations on Population and Family Planning"),
    "ymgl":     ("《中华人民共和国疫苗管理法》", "Vaccine Administration Law of the PRC"),
    "ysf":      ("《中华人民共和国医师法》", "Physicians Law of the PRC"),
    "hstl":     ("《护士条例》", "Regulations on Nurses"),
    "yljg":     ("《医疗机构管理条例》", "Regulations on the Administration of Medical Institutions"),
    "fszl":     ("《放射诊疗管理规定》", "Provisions on the Administration of Radiodiagnosis and Radiotherapy"),
    "crb":      ("《中华人民共和国传染病防治法》", "Law of the PRC on the Prevention and Control of Infectious Diseases"),
    "ggcs":     ("《公共场所卫生管理条例》", "Regulations on Hygiene in Public Places"),
    "ywjy":     ("《中华人民共和国义务教育法》", "Compulsory Education Law of the PRC"),
    "jsf":      ("《中华人民共和国教师法》", "Teachers Law of the PRC"),
    "jszg":     ("《教师资格条例》", "Regulations on Teacher Qualifications"),
    "xqjy":     ("《上海市学前教育与托育服务条例》", "Shanghai Regulations on Pre-school Education and Childcare Services"),
    "jyf":      ("《中华人民共和国教育法》", "Education Law of the PRC"),
    "dljt":     ("《中华人民共和国道路交通安全法》", "Road Traffic Safety Law of the PRC"),
    "jsz":      ("《机动车驾驶证申领和使用规定》", "Provisions on the Application for and Use of Motor Vehicle Driving Licences"),
    "jdcdj":    ("《机动车登记规定》", "Provisions on Motor Vehicle Registration"),
    "dlys":     ("《中华人民共和国道路运输条例》", "Regulations of the PRC on Road Transport"),
    "wyc":      ("《网络预约出租汽车经营服务管理暂行办法》", "Interim Measures on Online Car-Hailing Services"),
    "czc":      ("《出租汽车驾驶员从业资格管理规定》", "Provisions on Taxi Driver Qualifications"),
    "bdc":      ("《不动产登记暂行条例》", "Interim Regulations on Real Estate Registration"),
    "bdc_xz":   ("《不动产登记暂行条例实施细则》", "Implementing Rules of the Interim Regulations on Real Estate Registration"),
    "bdc_cx":   ("《不动产登记资料查询暂行办法》", "Interim Measures on Inquiries into Real Estate Registration Records"),
    "cxgh":     ("《中华人民共和国城乡规划法》", "Urban and Rural Planning Law of the PRC"),
    "zlht":     ("《商品房屋租赁管理办法》", "Measures on the Administration of Commodity Housing Leases"),
    "gzf":      ("《公共租赁住房管理办法》", "Measures on the Administration of Public Rental Housing"),
    "sh_zf":    ("《上海市共有产权保障住房管理办法》", "Shanghai Measures on Shared-Ownership Affordable Housing"),
    "lz":       ("《上海市廉租住房实施办法》", "Shanghai Measures on Low-Rent Housing"),
    "spys":     ("《城市商品房预售管理办法》", "Measures on the Pre-sale of Urban Commodity Housing"),
    "tyjr":     ("《中华人民共和国退役军人保障法》", "Law of the PRC on the Protection of Veterans"),
    "fxyd":     ("《军人抚恤优待条例》", "Regulations on Pensions and Preferential Treatment for Servicemen"),
    "tysb":     ("《退役士兵安置条例》", "Regulations on the Resettlement of Discharged Soldiers"),
    "flyz":     ("《法律援助法》", "Legal Aid Law of the PRC"),
    "zs":       ("《中华人民共和国税收征收管理法》", "Law of the PRC on the Administration of Tax Collection"),
    "zs_15":    ("《中华人民共和国税收征收管理法》第十五条", "Law of the PRC on the Administration of Tax Collection, Article 15"),
    "zs_25":    ("《中华人民共和国税收征收管理法》第二十五条", "Law of the PRC on the Administration of Tax Collection, Article 25"),
    "fp":       ("《中华人民共和国发票管理办法》", "Measures of the PRC on the Administration of Invoices"),
    "zzs":      ("《中华人民共和国增值税法》", "Value-Added Tax Law of the PRC"),
    "qysds":    ("《中华人民共和国企业所得税法》", "Enterprise Income Tax Law of the PRC"),
    "gsf":      ("《中华人民共和国个人所得税法》", "Individual Income Tax Law of the PRC"),
    "qs":       ("《中华人民共和国契税法》", "Deed Tax Law of the PRC"),
    "ybnsr":    ("《增值税一般纳税人登记管理办法》", "Measures on the Registration of General VAT Taxpayers"),
    "ckts":     ("《出口货物劳务增值税和消费税管理办法》", "Measures on VAT and Consumption Tax on Exported Goods and Services"),
    "zcdj":     ("《市场主体登记管理条例》", "Regulations on the Registration of Market Entities"),
    "zcdj_xz":  ("《市场主体登记管理条例实施细则》", "Implementing Rules of the Regulations on the Registration of Market Entities"),
    "gsf_co":   ("《中华人民共和国公司法》", "Company Law of the PRC"),
    "mcgl":     ("《企业名称登记管理规定》", "Provisions on the Registration of Enterprise Names"),
    "nbgs":     ("《企业信息公示暂行条例》", "Interim Regulations on Enterprise Information Disclosure"),
    "hzs":      ("《中华人民共和国农民专业合作社法》", "Law of the PRC on Farmers' Cooperatives"),
    "wstz":     ("《中华人民共和国外商投资法》", "Foreign Investment Law of the PRC"),
    "dcdy":     ("《动产和权利担保统一登记办法》", "Measures on Unified Registration of Security Interests in Movables and Rights"),
    "gqcz":     ("《股权出质登记办法》", "Measures on the Registration of Pledges of Equity"),
    "spaq":     ("《中华人民共和国食品安全法》", "Food Safety Law of the PRC"),
    "spjy":     ("《食品经营许可和备案管理办法》", "Measures on Food Business Licensing and Filing"),
    "sh_xzf":   ("《上海市食品安全条例》", "Shanghai Food Safety Regulations"),
    "tzsb":     ("《中华人民共和国特种设备安全法》", "Special Equipment Safety Law of the PRC"),
    "ggf":      ("《中华人民共和国广告法》", "Advertising Law of the PRC"),
    "ypgl":     ("《中华人民共和国药品管理法》", "Drug Administration Law of the PRC"),
    "ypjy":     ("《药品经营和使用质量监督管理办法》", "Measures on Quality Supervision of Drug Distribution and Use"),
    "ylqx":     ("《医疗器械监督管理条例》", "Regulations on the Supervision and Administration of Medical Devices"),
    "hzp":      ("《化妆品监督管理条例》", "Regulations on the Supervision and Administration of Cosmetics"),
    "xdcp":     ("《消毒管理办法》", "Measures on Disinfection Management"),
    "jzf":      ("《中华人民共和国建筑法》", "Construction Law of the PRC"),
    "sgxk":     ("《建筑工程施工许可管理办法》", "Measures on Construction Permits for Building Works"),
    "jgba":     ("《房屋建筑和市政基础设施工程竣工验收备案管理办法》", "Measures on Completion Acceptance Filing of Building and Municipal Works"),
    "zzgl":     ("《建筑业企业资质管理规定》", "Provisions on Qualifications of Construction Enterprises"),
    "aqsc":     ("《安全生产许可证条例》", "Regulations on Work Safety Licences"),
    "xff":      ("《中华人民共和国消防法》", "Fire Protection Law of the PRC"),
    "xfys":     ("《建设工程消防设计审查验收管理暂行规定》", "Interim Provisions on Fire Protection Design Review and Acceptance of Construction Works"),
    "psxk":     ("《城镇排水与污水处理条例》", "Regulations on Urban Drainage and Sewage Treatment"),
    "pwxk":     ("《排污许可管理条例》", "Regulations on the Administration of Pollutant Discharge Permits"),
    "hp":       ("《中华人民共和国环境影响评价法》", "Environmental Impact Assessment Law of the PRC"),
    "ldys":     ("《道路货物运输及站场管理规定》", "Provisions on Road Freight Transport and Stations"),
    "yfk":      ("《单用途商业预付卡管理办法（试行）》", "Measures on Single-Purpose Commercial Prepaid Cards (Trial)"),
    "jl":       ("《上海市酒类商品产销管理条例》", "Shanghai Regulations on the Production and Sale of Alcoholic Beverages"),
    "ylcs":     ("《娱乐场所管理条例》", "Regulations on the Administration of Entertainment Venues"),
    "lxs":      ("《旅行社条例》", "Regulations on Travel Agencies"),
    "wlwh":     ("《互联网文化管理暂行规定》", "Interim Provisions on Internet Culture"),
    "yyxyc":    ("《营业性演出管理条例》", "Regulations on Commercial Performances"),
    "cbgl":     ("《出版管理条例》", "Regulations on the Administration of Publishing"),
    "hwgg":     ("《上海市户外广告设施管理办法》", "Shanghai Measures on Outdoor Advertising Facilities"),
    "stdj":     ("《社会团体登记管理条例》", "Regulations on the Registration of Social Organisations"),
    "mfdj":     ("《民办非企业单位登记管理暂行条例》", "Interim Regulations on the Registration of Private Non-Enterprise Units"),
    "yljgba":   ("《养老机构管理办法》", "Measures on the Administration of Elderly Care Institutions"),
    "gxrd":     ("《高新技术企业认定管理办法》", "Measures on the Recognition of High-Tech Enterprises"),
    "kjxzx":    ("《科技型中小企业评价办法》", "Measures on the Evaluation of Technology-Based SMEs"),
    "zjtx":     ("《优质中小企业梯度培育管理暂行办法》", "Interim Measures on Tiered Cultivation of Quality SMEs"),
    "wgr":      ("《外国人在中国就业管理规定》", "Provisions on the Employment of Foreigners in China"),
    "lwpq":     ("《劳务派遣行政许可实施办法》", "Implementing Measures on Labour Dispatch Licensing"),
    "rlzy":     ("《人力资源市场暂行条例》", "Interim Regulations on the Human Resources Market"),
    "tsgs":     ("《关于企业实行不定时工作制和综合计算工时工作制的审批办法》", "Approval Measures on Flexible and Comprehensive Working-Hour Systems"),
    "ddgl":     ("《医疗机构医疗保障定点管理暂行办法》", "Interim Measures on Designated Medical Institutions under Medical Security"),
    "ddyd":     ("《零售药店医疗保障定点管理暂行办法》", "Interim Measures on Designated Retail Pharmacies under Medical Security"),
    "cqbx":     ("《上海市长期护理保险办法》", "Shanghai Measures on Long-Term Care Insurance"),
    "jfgl":     ("《上海市引进人才申办本市常住户口办法》", "Shanghai Measures on Hukou for Recruited Talent"),
    "jzhk":     ("《上海市居住证持有人申办本市常住户口办法》", "Shanghai Measures on Hukou for Residence Permit Holders"),
    "bycs":     ("《非上海生源普通高校应届毕业生进沪就业申请本市户籍评分办法》", "Scoring Measures for Non-Shanghai Graduates Applying for Shanghai Hukou"),
    "wfz":      ("《公安机关办理犯罪记录查询工作规定》", "Provisions on Criminal Record Inquiries by Public Security Organs"),
    "sylh":     ("《中华人民共和国收养法》相关规定（现《民法典》第五编第五章）", "Adoption provisions (now Civil Code, Book V, Chapter 5)"),
    "zxjz":     ("《学生资助资金管理办法》", "Measures on the Management of Student Financial Aid Funds"),
    "sh_cjbt":  ("《上海市困难残疾人生活补贴和重度残疾人护理补贴实施办法》", "Shanghai Measures on Living Allowances and Care Allowances for Persons with Disabilities"),
    "ddzk":     ("《中华人民共和国高等教育自学考试暂行条例》", "Interim Regulations on Higher Education Self-Study Examinations"),
    "jczz":     ("《上海市社会救助条例》", "Shanghai Regulations on Social Assistance"),
    "cyjk":     ("《创业担保贷款贴息及奖补政策》（财金〔2020〕21号）", "Guaranteed start-up loans, interest subsidy policy (Caijin [2020] No. 21)"),
    "jnbt":     ("《职业技能提升行动方案（2019—2021年）》及本市职业培训补贴办法", "Vocational Skills Upgrading Action Plan and Shanghai training subsidy rules"),
    "wgbt":     ("《关于失业保险支持企业稳定岗位有关问题的通知》", "Notice on Unemployment Insurance Support for Job Retention"),
    "xnjz":     ("《上海市鼓励购买和使用新能源汽车实施办法》", "Shanghai Measures Encouraging the Purchase and Use of New Energy Vehicles"),
    "cjbzj":    ("《残疾人就业保障金征收使用管理办法》", "Measures on the Collection and Use of the Employment Security Fund for Persons with Disabilities"),
    "yyzg":     ("《上海市养老服务条例》", "Shanghai Regulations on Elderly Care Services"),
    "dszn":     ("《上海市计划生育奖励与补助若干规定》", "Shanghai Provisions on Family Planning Rewards and Subsidies"),
    "tfz":      ("《全国农村部分计划生育家庭奖励扶助制度和计划生育家庭特别扶助制度》相关规定", "National rules on special assistance for family-planning households"),
}


def laws(*keys):
    return [LAWS[k] for k in keys]


# --- materials: id -> (name, name_en, form, licence or None, note or None) ------------------
READ_HERE = ("在本机读取，无需提交", "Read by this terminal; nothing to hand in")
ELECTRONIC = ("有电子证照的免于提交", "Not needed when your electronic licence is on file")

MATERIALS = {
    "id_card":          ("居民身份证", "Resident ID card", "original", "id_card", READ_HERE),
    "hukou_book":       ("居民户口簿", "Household register (hukou book)", "original", "hukou_book", ELECTRONIC),
    "residence_permit": ("上海市居住证", "Shanghai residence permit", "original", "residence_permit", ELECTRONIC),
    "marriage_cert":    ("结婚证", "Marriage certificate", "original", "marriage_cert", ELECTRONIC),
    "medical_birth_cert": ("出生医学证明", "Medical birth certificate", "original", "medical_birth_cert", ELECTRONIC),
    "degree_cert":      ("学历、学位证书", "Diploma and degree certificate", "copy", "degree_cert", ELECTRONIC),
    "property_cert":    ("不动产权证书", "Real estate title certificate", "original", "property_cert", ELECTRONIC),
    "business_licence": ("营业执照", "Business licence", "original", "business_licence", ELECTRONIC),
    "ssc":              ("社会保障卡", "Social security card", "original", "social_security_card", ELECTRONIC),
    "driving_licence":  ("机动车驾驶证", "Driving licence", "original", "driving_licence", ELECTRONIC),
    "disability_cert":  ("中华人民共和国残疾人证", "Disability certificate", "original", "disability_cert", ELECTRONIC),
    "retirement_cert":  ("退休证", "Retirement certificate", "original", "retirement_cert", ELECTRONIC),
    "spouse_id":        ("配偶居民身份证", "Spouse's ID card", "original", None, None),
    "agent_id":         ("代办人居民身份证", "Agent's ID card", "original", None, ("代办时提供", "When someone applies for you")),
    "proxy_letter":     ("授权委托书", "Letter of authorisation", "original", None, ("委托人签名", "Signed by the person you act for")),
    "photo":            ("近期免冠彩色照片", "Recent colour photo, bareheaded", "electronic", None, ("可在本机拍摄", "Can be taken by this terminal's camera")),
    "old_cert":         ("原证件", "Your current document", "original", None, ("换领时交回", "Handed back when replaced")),
    "loss_statement":   ("遗失声明（本机填写）", "Statement of loss (filled in here)", "electronic", None, None),
    "labour_contract":  ("劳动合同", "Employment contract", "copy", None, None),
    "resign_proof":     ("解除或终止劳动合同证明", "Proof of termination of employment", "original", None, None),
    "bank_card":        ("本人银行结算账户（借记卡）", "Your own bank debit card", "original", None, ("用于发放待遇", "For payments to you")),
    "med_invoice":      ("医疗费用收据及明细清单", "Medical receipts with itemised lists", "original", None, None),
    "med_record":       ("门（急）诊病历或出院小结", "Outpatient records or discharge summary", "copy", None, None),
    "diagnosis":        ("二级以上医疗机构诊断证明", "Diagnosis from a grade-II or higher hospital", "original", None, None),
    "purchase_contract": ("购房合同", "House purchase contract", "copy", None, None),
    "lease_contract":   ("房屋租赁合同", "Tenancy agreement", "copy", None, None),
    "income_proof":     ("家庭收入及财产状况申报材料", "Declaration of household income and assets", "original", None, ("本机填写，签名确认", "Filled in here and signed")),
    "death_cert":       ("居民死亡医学证明（推断）书", "Medical certificate of death", "original", None, None),
    "kinship_proof":    ("亲属关系证明", "Proof of family relationship", "original", None, None),
    "school_notice":    ("入学通知书或学籍证明", "Admission notice or student status proof", "copy", None, None),
    "health_check":     ("体检合格证明", "Medical examination certificate", "original", None, None),
    "qualification":    ("职业资格或执业证书", "Professional qualification certificate", "copy", None, None),
    "military_proof":   ("退出现役证明或退伍证", "Discharge certificate", "original", None, None),
    "birth_plan":       ("生育登记服务单", "Birth registration slip", "electronic", None, None),
    "inheritance_proof": ("继承权公证书或生效法律文书", "Notarised inheritance certificate or court judgment", "original", None, None),
    "tax_proof":        ("完税或减免税凭证", "Tax payment or exemption voucher", "electronic", None, ("税务部门推送", "Sent by the tax office")),
    "loan_contract":    ("借款抵押合同", "Loan and mortgage contract", "original", None, None),
    "clearance_proof":  ("贷款结清证明", "Loan settlement certificate", "original", None, None),
    "court_doc":        ("人民法院生效判决书或调解书", "Court judgment or mediation statement", "copy", None, None),
    # business
    "legal_rep_id":     ("法定代表人居民身份证", "Legal representative's ID card", "original", "id_card", READ_HERE),
    "legal_rep_id_copy": ("法定代表人身份证件复印件", "Copy of the legal representative's ID", "copy", None, None),
    "agent_id_card":    ("经办人居民身份证", "Agent's ID card", "original", "id_card", READ_HERE),
    "agent_authz":      ("经办人授权委托书", "Authorisation letter for the agent", "original", None, ("加盖单位公章", "With the company seal")),
    "application":      ("申请书（本机生成）", "Application form (generated here)", "electronic", None, ("本机填写后打印签章", "Filled in here, printed, signed and sealed")),
    "articles":         ("公司章程", "Articles of association", "original", None, None),
    "premises":         ("住所（经营场所）使用证明", "Proof of use of the premises", "copy", "property_cert", ("自有房产可用不动产电子证照", "Own property: the electronic title is used")),
    "shareholder_res":  ("股东会决议或股东决定", "Shareholders' resolution or decision", "original", None, None),
    "appointment":      ("法定代表人、董事、监事任职文件", "Appointment documents of the legal representative, directors and supervisors", "original", None, None),
    "site_plan":        ("经营场所平面图及设备布局图", "Floor plan and equipment layout of the premises", "original", None, None),
    "food_safety_sys":  ("食品安全管理制度文本", "Food safety management rules", "original", None, None),
    "food_manager":     ("食品安全管理人员信息", "Food safety manager's details", "original", None, None),
    "old_licence":      ("原许可证正副本", "Original licence (original and duplicate)", "original", None, None),
    "hygiene_report":   ("卫生检测（评价）报告", "Hygiene testing (evaluation) report", "original", None, None),
    "staff_health":     ("从业人员健康合格证明", "Staff health certificates", "copy", None, None),
    "pharmacist":       ("执业药师注册证", "Licensed pharmacist registration", "copy", None, None),
    "quality_sys":      ("质量管理文件目录", "List of quality management documents", "original", None, None),
    "emp_list":         ("职工名册", "Staff list", "electronic", None, ("本机填写", "Filled in here")),
    "seal":             ("单位公章", "Company seal", "original", None, None),
    "bank_account_doc": ("单位银行账户信息", "Company bank account details", "copy", None, None),
    "finance_report":   ("财务会计报告", "Financial statements", "electronic", None, None),
    "tax_return":       ("纳税申报表", "Tax return", "electronic", None, ("电子税务局导入", "Imported from the e-tax bureau")),
    "invoice_usage":    ("发票使用情况说明", "Statement of invoice use", "original", None, None),
    "clearance_cert":   ("清税证明", "Tax clearance certificate", "electronic", None, ("税务部门共享", "Shared by the tax office")),
    "liquidation":      ("清算报告", "Liquidation report", "original", None, None),
    "creditor_notice":  ("债权人公告证明", "Proof of the notice to creditors", "electronic", None, ("国家企业信用信息公示系统公告", "Published on the national enterprise credit system")),
    "land_doc":         ("土地使用权证明或不动产权证书", "Land-use right or real estate title", "copy", "property_cert", ELECTRONIC),
    "planning_permit":  ("建设工程规划许可证", "Construction works planning permit", "electronic", None, ("规划部门共享", "Shared by the planning bureau")),
    "drawings":         ("施工图设计文件审查合格书", "Approval of construction drawings", "electronic", None, ("联审平台共享", "Shared by the joint review platform")),
    "contract_award":   ("中标通知书或施工合同", "Award notice or construction contract", "copy", None, None),
    "acceptance":       ("工程竣工验收报告", "Completion acceptance report", "original", None, None),
    "safety_sys":       ("安全生产管理制度及人员证书", "Work-safety rules and staff certificates", "copy", None, None),
    "eia_report":       ("环境影响报告表", "Environmental impact report form", "original", None, None),
    "emission_plan":    ("排污许可申请表及执行报告", "Discharge permit application and compliance report", "electronic", None, None),
    "vehicle_doc":      ("机动车行驶证", "Vehicle registration certificate", "original", None, None),
    "driver_cert":      ("驾驶员从业资格证", "Driver's professional qualification certificate", "copy", None, None),
    "fire_plan":        ("消防安全制度及应急预案", "Fire safety rules and emergency plan", "original", None, None),
    "talent_proof":     ("人才引进相关证明材料", "Documents supporting the talent application", "copy", None, None),
    "foreign_passport": ("外国人护照", "Foreign national's passport", "copy", None, None),
    "work_contract":    ("聘用合同或任职证明", "Employment contract or letter of appointment", "copy", None, None),
    "performance_doc":  ("演出节目及演员材料", "Programme and performer details", "original", None, None),
    "capital_proof":    ("注册资本或资金证明", "Proof of registered capital or funds", "copy", None, None),
    "rd_report":        ("研究开发费用专项审计报告", "Special audit report on R&D expenses", "original", None, None),
    "ip_list":          ("知识产权证明材料", "Intellectual property documents", "copy", None, None),
}


# --- form fields: id -> dict (texts as pairs; "options" as (value, zh, en)) ------------------
def opts(*triples):
    return [{"value": v, "label": zh, "label_en": en} for v, zh, en in triples]


PHONE_HINT = ("11位手机号码，用于接收办理结果短信", "11-digit mobile number for the result text message")

FIELDS = {
    "name":         dict(label=("姓名", "Name"), type="text", prefill="person.name", readonly=True),
    "id_number":    dict(label=("公民身份号码", "ID number"), type="id_number", prefill="person.id_number", readonly=True, sensitive=True),
    "sex":          dict(label=("性别", "Sex"), type="text", prefill="person.sex", readonly=True),
    "nation":       dict(label=("民族", "Ethnic group"), type="text", prefill="person.nation", readonly=True),
    "birth_date":   dict(label=("出生日期", "Date of birth"), type="date", prefill="person.birth_date", readonly=True),
    "hukou_address": dict(label=("户籍地址", "Registered (hukou) address"), type="text", prefill="person.address", required=True, max_length=100),
    "phone":        dict(label=("联系电话", "Mobile phone"), type="phone", prefill="profile.phone", required=True, hint=PHONE_HINT),
    "address":      dict(label=("居住地址", "Home address"), type="text", prefill="profile.address", required=True, max_length=100,
                         hint=("本市实际居住地址，写到门牌号", "Where you actually live in Shanghai, down to the door number")),
    "postcode":     dict(label=("邮政编码", "Postcode"), type="postcode", prefill="history.postcode",
                         hint=("6位数字，例如200030", "6 digits, e.g. 200030")),
    "email":        dict(label=("电子邮箱", "Email"), type="text", prefill="profile.email", max_length=100),
    "employer":     dict(label=("工作单位", "Employer"), type="text", prefill="profile.employer", max_length=100),
    "education":    dict(label=("最高学历", "Highest education"), type="text", prefill="profile.education", max_length=20),
    "marital_status": dict(label=("婚姻状况", "Marital status"), type="text", prefill="profile.marital_status", max_length=10),
    "bank_account": dict(label=("本人银行账号", "Your bank account"), type="text", prefill="profile.bank_account", required=True,
                         sensitive=True, max_length=32, hint=("待遇发放到此账户", "Payments go to this account")),
    "delivery":     dict(label=("结果领取方式", "How to receive the result"), type="choice", prefill="history.delivery", required=True,
                         default="mail", options=opts(("mail", "邮寄到家", "Mailed to me"),
                                                      ("window", "窗口领取", "Collect at the counter"),
                                                      ("electronic", "电子证照（随申办）", "Electronic (Suishenban app)"))),
    "mail_address": dict(label=("邮寄地址", "Mailing address"), type="text", prefill="profile.address", required=True, max_length=100,
                         ask_if={"field": "delivery", "op": "eq", "value": "mail"}),
    "period":       dict(label=("记录期间", "Period"), type="choice", prefill="history.period", required=True, default="last12",
                         options=opts(("last12", "最近12个月", "Last 12 months"), ("last36", "最近36个月", "Last 36 months"),
                                      ("all", "全部记录", "Whole record"))),
    "purpose":      dict(label=("用途", "Purpose"), type="choice", prefill="history.purpose", required=True, default="other",
                         options=opts(("points", "居住证积分", "Residence points"), ("hukou", "落户", "Household registration"),
                                      ("school", "子女入学", "Child's schooling"), ("loan", "贷款", "Loan"),
                                      ("other", "其他", "Other"))),
    "principal_name": dict(label=("被代办人姓名", "Name of the person you act for"), type="text", prefill="history.principal_name",
                           required=True, max_length=30, ask_if={"situation": "who", "in": ["agent"]}),
    "principal_id_number": dict(label=("被代办人公民身份号码", "ID number of the person you act for"), type="id_number",
                                prefill="history.principal_id_number", required=True, sensitive=True,
                                ask_if={"situation": "who", "in": ["agent"]}),
    "loss_date":    dict(label=("遗失日期", "Date it was lost"), type="date", ask_if={"situation": "reason", "in": ["lost"]},
                         hint=("大概日期即可，格式：2026-01-31", "An approximate date is fine; format: 2026-01-31")),
    "start_date":   dict(label=("开始日期", "Start date"), type="date", required=True, hint=("格式：2026-01-31", "Format: 2026-01-31")),
    "end_date":     dict(label=("结束日期", "End date"), type="date", required=True, hint=("格式：2026-12-31", "Format: 2026-12-31")),
    "amount":       dict(label=("申请金额（元）", "Amount applied for (yuan)"), type="number", required=True),
    "child_name":   dict(label=("子女姓名", "Child's name"), type="text", prefill="history.child_name", required=True, max_length=30),
    "child_id_number": dict(label=("子女公民身份号码", "Child's ID number"), type="id_number", prefill="history.child_id_number",
                            sensitive=True),
    "child_birth_date": dict(label=("子女出生日期", "Child's date of birth"), type="date", prefill="history.child_birth_date", required=True),
    "child_sex":    dict(label=("子女性别", "Child's sex"), type="choice", prefill="history.child_sex", required=True,
                         options=opts(("男", "男", "Male"), ("女", "女", "Female"))),
    "spouse_name":  dict(label=("配偶姓名", "Spouse's name"), type="text", prefill="history.spouse_name", required=True, max_length=30),
    "spouse_id_number": dict(label=("配偶公民身份号码", "Spouse's ID number"), type="id_number", prefill="history.spouse_id_number",
                             required=True, sensitive=True),
    "property_address": dict(label=("房屋坐落", "Property address"), type="text", prefill="history.property_address", required=True,
                             max_length=100),
    "property_cert_no": dict(label=("不动产权证号", "Title certificate number"), type="text", prefill="history.property_cert_no",
                             required=True, max_length=40, hint=("例如：沪（2024）徐字不动产权第012345号", "e.g. 沪（2024）徐字不动产权第012345号")),
    "retire_date":  dict(label=("退休日期", "Retirement date"), type="date", prefill="history.retire_date", required=True),
    "vehicle_plate": dict(label=("号牌号码", "Licence plate"), type="text", prefill="history.vehicle_plate", required=True, max_length=10,
                          hint=("例如：沪A12345", "e.g. 沪A12345")),
    # business
    "org_name":     dict(label=("单位名称", "Organisation"), type="text", prefill="enterprise.name", readonly=True),
    "uscc":         dict(label=("统一社会信用代码", "Unified social credit code"), type="uscc", prefill="enterprise.uscc", readonly=True),
    "legal_rep":    dict(label=("法定代表人", "Legal representative"), type="text", prefill="enterprise.legal_rep", readonly=True),
    "org_address":  dict(label=("住所", "Registered address"), type="text", prefill="enterprise.address", required=True, max_length=100),
    "org_type":     dict(label=("企业类型", "Company type"), type="text", prefill="enterprise.type", readonly=True),
    "reg_capital":  dict(label=("注册资本（万元）", "Registered capital (10,000 yuan)"), type="number",
                         prefill="enterprise.registered_capital", required=True),
    "contact_name": dict(label=("经办人姓名", "Agent's name"), type="text", prefill="person.name", readonly=True),
    "contact_id_number": dict(label=("经办人公民身份号码", "Agent's ID number"), type="id_number", prefill="person.id_number",
                              readonly=True, sensitive=True),
    "contact_phone": dict(label=("经办人联系电话", "Agent's mobile phone"), type="phone", prefill="profile.phone", required=True,
                          hint=PHONE_HINT),
    "company_name": dict(label=("拟设企业名称", "Proposed company name"), type="text", prefill="history.company_name", required=True,
                         max_length=60, hint=("行政区划+字号+行业+组织形式，例如：上海好办示范科技有限公司",
                                              "Region + trade name + industry + form, e.g. 上海好办示范科技有限公司")),
    "business_scope": dict(label=("经营范围", "Business scope"), type="text", prefill="history.business_scope", required=True,
                           max_length=500),
    "premises_address": dict(label=("经营场所", "Business premises"), type="text", prefill="enterprise.address", required=True,
                             max_length=100),
    "employee_name": dict(label=("职工姓名", "Employee's name"), type="text", prefill="history.employee_name", required=True, max_length=30),
    "employee_id_number": dict(label=("职工公民身份号码", "Employee's ID number"), type="id_number", prefill="history.employee_id_number",
                               required=True, sensitive=True),
    "hire_date":    dict(label=("录用日期", "Hiring date"), type="date", prefill="history.hire_date", required=True),
    "contract_end": dict(label=("劳动合同终止日期", "Contract end date"), type="date", prefill="history.contract_end"),
    "employees":    dict(label=("职工人数", "Number of employees"), type="number", prefill="history.employees", required=True),
    "tax_period":   dict(label=("所属期", "Tax period"), type="choice", prefill="history.tax_period", required=True, default="month",
                         options=opts(("month", "按月", "Monthly"), ("quarter", "按季", "Quarterly"), ("year", "按年", "Yearly"))),
    "project_name": dict(label=("项目名称", "Project name"), type="text", prefill="history.project_name", required=True, max_length=100),
    "project_address": dict(label=("项目地址", "Project site"), type="text", prefill="history.project_address", required=True, max_length=100),
    "floor_area":   dict(label=("经营面积（平方米）", "Floor area (m²)"), type="number", prefill="history.floor_area", required=True),
    "licence_no":   dict(label=("原许可证编号", "Current licence number"), type="text", prefill="history.licence_no", required=True,
                         max_length=40),
    "bank_name":    dict(label=("开户银行", "Bank"), type="text", prefill="history.bank_name", required=True, max_length=60),
}

# --- pre-review rule helpers ---------------------------------------------------------------
PHONE_RE = "1[3-9][0-9]{9}"
POSTCODE_RE = "[0-9]{6}"
EMAIL_RE = "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"
PLATE_RE = "沪[A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}"
NAME_RE = "[\\x{4e00}-\\x{9fa5}·]{2,15}|[A-Za-z][A-Za-z .'-]{1,39}"


def present(field):
    return {"field": field, "op": "present"}


def rule(rid, kind, require, msg, when=None, field=None):
    r = {"id": rid, "kind": kind}
    if when is not None:
        r["when"] = when
    r["require"] = require
    if field:
        r["field"] = field
    r["message"], r["message_en"] = msg
    return r


def r_phone(field="phone"):
    return rule(field + "_format", "format", {"field": field, "op": "matches", "value": PHONE_RE},
                ("手机号码应为11位数字，以1开头，中间不要空格。请检查后重新填写。",
                 "A mobile number has 11 digits, starts with 1 and has no spaces. Check it and enter it again."),
                when=present(field), field=field)


def r_postcode(field="postcode"):
    return rule(field + "_format", "format", {"field": field, "op": "matches", "value": POSTCODE_RE},
                ("邮政编码为6位数字，例如200030。不清楚可留空。",
                 "A postcode has 6 digits, e.g. 200030. Leave it empty if you do not know it."),
                when=present(field), field=field)


def r_email(field="email"):
    return rule(field + "_format", "format", {"field": field, "op": "matches", "value": EMAIL_RE},
                ("电子邮箱格式不对，应类似 name@example.com。",
                 "That email address does not look right; it should look like name@example.com."),
                when=present(field), field=field)


def r_plate(field="vehicle_plate"):
    return rule(field + "_format", "format", {"field": field, "op": "matches", "value": PLATE_RE},
                ("号牌号码应以“沪”开头，例如沪A12345；新能源号牌为6位，例如沪AD12345。",
                 "A Shanghai plate starts with 沪, e.g. 沪A12345; new-energy plates have 6 characters, e.g. 沪AD12345."),
                when=present(field), field=field)


def r_age_ge(n, who=("申请人", "You"), why=None, field=None):
    zh = "%s须年满%d周岁。" % (who[0], n) + (why[0] if why else "")
    en = "%s must be %d or older." % (who[1], n) + (" " + why[1] if why else "")
    return rule("age_ge_%d" % n, "eligibility", {"person": "age", "op": "ge", "value": n}, (zh, en), field=field)


def r_age_le(n, who=("申请人", "You"), why=None, field=None):
    zh = "%s须未满%d周岁。" % (who[0], n + 1) + (why[0] if why else "")
    en = "%s must be %d or younger." % (who[1], n) + (" " + why[1] if why else "")
    return rule("age_le_%d" % n, "eligibility", {"person": "age", "op": "le", "value": n}, (zh, en), field=field)


def r_after(later, earlier, msg):
    return rule("%s_after_%s" % (later, earlier), "consistency",
                {"field": later, "op": "ge_field", "value": earlier}, msg,
                when={"all": [present(later), present(earlier)]}, field=later)


def r_past(field, what):
    return rule(field + "_past", "consistency", {"field": field, "op": "before_today"},
                ("%s不能晚于今天，请检查日期。" % what[0], "%s cannot be later than today. Check the date." % what[1]),
                when=present(field), field=field)


def r_future(field, what):
    return rule(field + "_future", "consistency", {"field": field, "op": "after_today"},
                ("%s应晚于今天，请检查日期。" % what[0], "%s must be after today. Check the date." % what[1]),
                when=present(field), field=field)


def r_needed(sit, vals, field, what):
    return rule("%s_when_%s" % (field, sit), "completeness", present(field),
                ("根据您选择的情形，需要填写%s。" % what[0], "For the situation you chose, enter %s." % what[1]),
                when={"situation": sit, "in": list(vals)}, field=field)


def r_positive(field, what, limit=None):
    req = {"field": field, "op": "ge", "value": 1}
    if limit:
        req = {"all": [req, {"field": field, "op": "le", "value": limit}]}
        msg = ("%s应为1至%d之间的整数。" % (what[0], limit), "%s must be a whole number from 1 to %d." % (what[1], limit))
    else:
        msg = ("%s应为大于0的整数。" % what[0], "%s must be a whole number above 0." % what[1])
    return rule(field + "_range", "format", req, msg, when=present(field), field=field)


def r_min_len(field, n, what):
    return rule(field + "_min_length", "completeness", {"field": field, "op": "min_length", "value": n},
                ("%s至少需要%d个字，请写完整。" % (what[0], n), "%s needs at least %d characters; write it in full." % (what[1], n)),
                when=present(field), field=field)


# --- process templates ----------------------------------------------------------------------
PROC = {
    "print": [("读取身份证或扫随申码，核验身份", "Identify yourself with your ID card or Suishenma code"),
              ("选择查询或打印的内容", "Choose what to look up or print"),
              ("本机打印，取走凭证", "The terminal prints; take your document")],
    "apply": [("在本机回答情形问题、填写申请", "Answer the situation questions and fill in the application here"),
              ("智能预审通过后提交", "Submit once the pre-review passes"),
              ("部门受理并审核", "The department accepts and reviews it"),
              ("办结，结果按您选择的方式送达", "Decision; the result is delivered the way you chose")],
    "apply_visit": [("在本机预填申请并预约", "Pre-fill the application and book a visit here"),
                    ("按预约时间携带原件到窗口核验", "Bring the originals to the counter at your booked time"),
                    ("部门审核并作出决定", "The department reviews and decides"),
                    ("领取证件或结果", "Collect the document or result")],
    "licence": [("网上或本机提交申请", "Apply online or at this terminal"),
                ("受理（材料齐全、符合法定形式）", "Acceptance (complete, in the legal form)"),
                ("审查，必要时现场核查", "Review, with an on-site check when needed"),
                ("作出许可决定", "Licensing decision"),
                ("发证（电子证照同步生成）", "Licence issued (with an electronic licence)")],
    "register": [("提交登记申请", "Submit the registration"),
                 ("登记机关受理、审查", "The registry accepts and examines it"),
                 ("准予登记，核发证照", "Registration granted; licence issued")],
    "filing": [("在本机填写备案信息", "Fill in the filing here"),
               ("提交后系统即时校验", "Checked at once on submission"),
               ("完成备案，可打印备案回执", "Filing done; print the filing receipt")],
    "withdraw": [("在本机提交提取申请", "Apply for the withdrawal here"),
                 ("公积金中心核对缴存、购房或退休信息", "The fund centre checks your account and the reason"),
                 ("审核通过，资金转入本人银行账户", "Approved; the money goes to your bank account")],
    "benefit": [("在本机提交申请", "Apply at this terminal"),
                ("街镇社区事务受理服务中心受理", "The community affairs centre accepts it"),
                ("审核、公示（需要时）", "Review and public notice (when required)"),
                ("待遇按月发放到本人账户", "Payments go monthly to your account")],
}

def time_limit(legal, promised, instant=False):
    if instant:
        return {"legal_workdays": legal, "promised_workdays": 0, "instant": True,
                "text": "即时办结", "text_en": "Done at once"}
    return {"legal_workdays": legal, "promised_workdays": promised, "instant": False,
            "text": "法定%d个工作日，承诺%d个工作日" % (legal, promised),
            "text_en": "%d working days by law; we promise %d" % (legal, promised)}


FREE = {"charged": False, "text": "不收费", "text_en": "Free"}


def fee(text, basis):
    return {"charged": True, "text": text[0], "text_en": text[1], "basis": basis[0], "basis_en": basis[1]}


# --- common situations ---------------------------------------------------------------------
def sit(sid, q, options, hint=None, ask_if=None):
    s = {"id": sid, "question": q[0], "question_en": q[1]}
    if hint:
        s["hint"], s["hint_en"] = hint
    s["options"] = [{"value": v, "label": zh, "label_en": en} for v, zh, en in options]
    if ask_if:
        s["ask_if"] = ask_if
    return s


SIT_WHO = sit("who", ("谁来办理？", "Who is applying?"),
              [("self", "本人办理", "I am applying for myself"),
               ("agent", "代他人办理", "I am applying for someone else")],
              hint=("代他人办理需要委托书和代办人身份证", "Acting for someone needs a letter of authorisation and your ID card"))
SIT_REASON = sit("reason", ("为什么申请？", "Why are you applying?"),
                 [("first", "首次申领", "First application"), ("expired", "有效期满换领", "It expired"),
                  ("damaged", "损坏换领", "It is damaged"), ("lost", "遗失补领", "It was lost")])
SIT_RENEW = sit("reason", ("为什么申请？", "Why are you applying?"),
                [("expired", "有效期满换领", "It expired"), ("damaged", "损坏换领", "It is damaged"),
                 ("lost", "遗失补领", "It was lost")])
SIT_REPLACE = sit("reason", ("为什么申请？", "Why are you applying?"),
                  [("damaged", "损坏换领", "It is damaged"), ("lost", "遗失补领", "It was lost")])
SIT_HUKOU = sit("hukou", ("您的户籍在哪里？", "Where is your hukou registered?"),
                [("sh", "本市户籍", "Shanghai"), ("other", "外省市户籍", "Another province")])
SIT_AGENT_CO = sit("applicant", ("谁到场办理？", "Who is applying for the company?"),
                   [("legal_rep", "法定代表人本人", "The legal representative"),
                    ("agent", "委托经办人", "An authorised agent")],
                   hint=("委托经办人需要加盖公章的授权委托书", "An agent needs an authorisation letter with the company seal"))


def texts_of(pairs):
    return [{"text": zh, "text_en": en} for zh, en in pairs]
