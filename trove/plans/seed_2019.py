"""The 2019 plan of Tân Hồng district (the project's seed document), as data: every text as the plan writes it,
every agency as a ref of ``trove.core.demo.AGENCIES_2019`` (``dt87_*`` and ``th_*``).

Kế hoạch thực hiện Đề án "Tiếp nhận, xác minh, bảo vệ và hỗ trợ nạn nhân bị mua bán trở về" trên địa bàn huyện năm
2019, Ủy ban nhân dân huyện Tân Hồng, 14 May 2019. The document's number was left blank in the copy the project holds;
the bold and italic marks of the copy are not part of the text. A test reads the seed file and compares it with the
plan loaded from here, item by item.

The four measured indicators are the four "100%" targets of section I.2; the other target bullets are qualitative and
kept as written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

NUMBER = ""  # blank in the seed ("Số:")
DATE = datetime.date(2019, 5, 14)
PLACE = "Tân Hồng"
UNIT = "legacy:869"  # Huyện Tân Hồng, Tỉnh Đồng Tháp (until 2025-06-30)
PERIOD = (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
ISSUER = "th_pc"
# The two names of people in the public document (the signer and the filing clerk's initials) are replaced by invented
# ones: demo data holds synthetic people only. Everything else is as the document says.
SIGNER = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Ký")
COMMUNES = [f"th_commune_{code}" for code in ("29926", "29929", "29932", "29935", "29938", "29941", "29944", "29947",
                                               "29950")]
# Section IV's closing paragraph: the labour office compiles, reports go to the district PC and the province's labour
# department, "định kỳ … theo quy định" (six-monthly and yearly, as the province asked in 2019).
REPORT_COMPILER = "th_labour"
REPORT_RECIPIENTS = ["th_pc", "dt87_labour"]


@dataclass(frozen=True)
class SeedItem:
    number: int
    title: str
    activities: list[str]
    lead: str
    lead_text: str
    partners: list[str]
    partners_text: str


@dataclass(frozen=True)
class SeedDuty:
    number: int
    heading: str
    agencies: list[str]
    tasks: list[str]


@dataclass(frozen=True)
class SeedIndicator:
    wording: str
    # Where the system's records measure it: a definition code, or the code prefix and words to find the share
    # indicator another app registers (tips, support), or nothing (the key routes have no records here).
    code: str = ""
    code_prefix: str = ""
    prefer: tuple[str, ...] = ()


INDICATORS = [
    SeedIndicator("100% tuyến, địa bàn trọng điểm, nhất là các xã biên giới được áp dụng các biện pháp nghiệp vụ để "
                  "phòng ngừa, phát hiện, ngăn chặn"),
    SeedIndicator("100% thông tin liên quan mua bán người được phân loại, xử lý theo luật định",
                  code_prefix="intel.", prefer=("handled", "classif")),
    SeedIndicator("100% các trường hợp tiếp nhận được tiến hành các thủ tục xác minh, xác định nạn nhân để giải "
                  "quyết các chế độ hỗ trợ theo quy định của pháp luật", code="verification.started"),
    SeedIndicator("100% nạn nhân có nhu cầu được bảo vệ an toàn, hỗ trợ chế độ theo quy định của pháp luật",
                  code_prefix="support.", prefer=("victims", "support")),
]

TITLE = ('Thực hiện Đề án “Tiếp nhận, xác minh, bảo vệ và hỗ trợ nạn nhân bị mua bán trở về” trên địa bàn huyện năm '
     '2019')

REFERENCE = {
    "number": "90/KH-UBND",
    "date": datetime.date(2019, 4, 12),
    "issuer": "Ủy ban nhân dân Tỉnh",
    "subject": ('về việc thực hiện Đề án “Tiếp nhận, xác minh, bảo vệ và hỗ trợ nạn nhân bị mua bán” trên địa '
                'bàn tỉnh Đồng Tháp năm 2019'),
}

INTRODUCTION = ('Ủy ban nhân dân huyện Tân Hồng xây dựng Kế hoạch Thực hiện “Đề án tiếp nhận, xác minh, bảo vệ và '
     'hỗ trợ nạn nhân bị mua bán trở về” trên địa bàn huyện năm 2019, như sau:')

GOALS = [
    ('Tiếp tục thực hiện và hướng dẫn thi hành các văn bản pháp luật liên quan đến công tác phòng, chống mua bán'
     ' người; đẩy mạnh công tác tuyên truyền nâng cao nhận thức, thay đổi hành vi cho nhân dân về phòng, chống '
     'mua bán người để mọi người dân chủ động, tích cực phòng ngừa, góp phần giảm thiểu nguy cơ mua bán người '
     'trên địa bàn huyện.'),
    ('Kịp thời hỗ trợ, giúp đỡ nạn nhân; tạo điều kiện thuận lợi cho nạn nhân trở về được tiếp cận các dịch vụ '
     'hỗ trợ về tâm lý, pháp lý, y tế, giáo dục, hướng nghiệp, xã hội nhằm giúp họ ổn định cuộc sống, hòa nhập '
     'tốt với cộng đồng xã hội.'),
]

TARGETS = [
    ('Tăng thời lượng và kịp thời đưa tin tuyên truyền về phòng, chống mua bán người trên các phương tiện thông '
     'tin đại chúng; phân công cán bộ dự tập huấn về kiến thức, kỹ năng chuyên sâu, cập nhật tài liệu truyền '
     'thông về phòng, chống mua bán người.'),
    ('Nâng cao hiệu quả công tác điều tra, truy tố, xét xử tội phạm mua bán người, trong đó: 100% tuyến, địa bàn'
     ' trọng điểm, nhất là các xã biên giới được áp dụng các biện pháp nghiệp vụ để phòng ngừa, phát hiện, ngăn '
     'chặn; 100% thông tin liên quan mua bán người được phân loại, xử lý theo luật định.'),
    ('100% các trường hợp tiếp nhận được tiến hành các thủ tục xác minh, xác định nạn nhân để giải quyết các chế'
     ' độ hỗ trợ theo quy định của pháp luật.'),
    '100% nạn nhân có nhu cầu được bảo vệ an toàn, hỗ trợ chế độ theo quy định của pháp luật.',
]

CONTENT_ITEMS = [
    SeedItem(
        number=1,
        title='Công tác tiếp nhận, xác minh và bảo vệ nạn nhân',
        activities=[
            ('Tổ chức các hoạt động tiếp nhận, xác minh, xác định nạn nhân và thực hiện hiệu quả công tác phối '
             'hợp liên ngành trong xác minh, xác định và hỗ trợ nạn nhân bị mua bán trở về.'),
            ('Định kỳ thống kê số nạn nhân bị mua bán bao gồm: Nạn nhân bị mua bán từ nước ngoài trở về (qua '
             'trao trả chính thức, tự trở về); nạn nhân bị mua bán trong nước (được giải cứu, tự đến trình báo).'),
            'Thực hiện các biện pháp bảo vệ, chế độ hỗ trợ ban đầu cho nạn nhân theo quy định của pháp luật.',
            'Cử cán bộ dự tập huấn chuyên môn về công tác tiếp nhận, xác minh, xác định và bảo vệ nạn nhân.',
            ('Định kỳ sơ kết, tổng kết, đánh giá kết quả công tác tiếp nhận, xác minh, xác định nạn nhân của các'
             ' đơn vị.'),
        ],
        lead='th_police',
        lead_text='Công an huyện',
        partners=['dt87_border', 'th_finance', 'th_culture', 'th_labour', 'th_procuracy', 'th_court', 'th_women',
                  *COMMUNES],
        partners_text=('Bộ Chỉ huy Bộ đội Biên phòng Tỉnh đóng trên địa bàn, Phòng Tài chính – Kế hoạch, Phòng '
                       'Văn hóa và Thông tin, Phòng Lao động - Thương binh và Xã hội, Viện Kiểm sát Nhân dân '
                       'huyện, Tòa án Nhân dân huyện, Hội Liên hiệp Phụ nữ huyện, Ủy ban nhân dân các xã, thị '
                       'trấn và các đơn vị có liên quan'),
    ),
    SeedItem(
        number=2,
        title='Hỗ trợ nạn nhân bị mua bán trở về',
        activities=[
            'Thực hiện chế độ hỗ trợ ban đầu; hỗ trợ tại cộng đồng theo quy định của pháp luật.',
            ('Tổ chức tiếp nhận, bố trí nơi lưu trú cho nạn nhân theo quy định và đưa nạn nhân đến cơ sở bảo trợ'
             ' xã hội, cơ sở hỗ trợ nạn nhân của Tỉnh.'),
            ('Tổ chức thực hiện quy trình chuyển tuyến hỗ trợ nạn nhân; trường hợp nạn nhân là trẻ em, cần kết '
             'nối với các cơ sở cung cấp dịch vụ bảo vệ trẻ em tại nơi trẻ em được tiếp nhận để hỗ trợ và bảo vệ'
             ' nếu cần thiết.'),
            'Thực hiện việc trợ giúp pháp lý cho nạn nhân và hỗ trợ nạn nhân tái hòa nhập cộng đồng.',
            ('Cử cán bộ dự tập huấn nâng cao năng lực cho cán bộ ngành Lao động - Thương binh và Xã hội và các '
             'cơ quan liên quan để thực hiện tốt quy trình tiếp nhận, hỗ trợ nạn nhân hòa nhập cộng đồng.'),
            'Định kỳ sơ kết, tổng kết, đánh giá kết quả công tác hỗ trợ nạn nhân của các đơn vị.',
        ],
        lead='th_labour',
        lead_text='Phòng Lao động - Thương binh và Xã hội',
        partners=['dt87_border', 'th_police', 'th_finance', 'th_culture', 'th_procuracy', 'th_court', 'th_women',
                  *COMMUNES],
        partners_text=('Bộ Chỉ huy Bộ đội Biên phòng Tỉnh đóng trên địa bàn, Công an huyện, Phòng Tài chính - Kế'
                       ' hoạch, Phòng Văn hóa và Thông tin, Viện Kiểm sát Nhân dân huyện, Tòa án Nhân dân huyện,'
                       ' Hội Liên hiệp Phụ nữ huyện, Ủy ban nhân dân các xã, thị trấn và các đơn vị có liên quan'),
    ),
]

SOLUTIONS = [
    ('Tăng cường sự lãnh đạo của các cấp ủy Đảng, chính quyền, sự tham gia tích cực của các đoàn thể chính trị -'
     ' xã hội trong chỉ đạo, điều hành, kiểm tra, giám sát, hướng dẫn thực hiện công tác tiếp nhận, xác minh và '
     'hỗ trợ nạn nhân bị mua bán trở về tái hòa nhập cộng đồng.'),
    ('Đẩy mạnh các hoạt động tuyên truyền, phổ biến, giáo dục pháp luật về phòng, chống mua bán người; thực hiện'
     ' lồng ghép nội dung phòng, ngừa mua bán người vào chương trình phòng, chống tệ nạn xã hội; phòng, chống '
     'tội phạm; đào tạo nghề, giải quyết việc làm, giảm nghèo, bình đẳng giới, bảo vệ trẻ em và chương trình '
     'khác về phát triển kinh tế - xã hội gắn với cuộc vận động “Toàn dân đoàn kết xây dựng đời sống nông thôn '
     'mới, đô thị văn minh”.'),
    ('Đẩy mạnh công tác phối hợp của các phòng, ban ngành, đoàn thể có liên quan để thực hiện đồng bộ và có hiệu'
     ' quả công tác tiếp nhận, xác minh, bảo vệ và hỗ trợ nạn nhân.'),
    ('Tăng cường nắm tình hình, rà soát, thống kê, lập hồ sơ quản lý nạn nhân bị mua bán, bao gồm: Số nạn nhân '
     'tự trở về, được giải cứu, chưa được giải cứu, số được trao trả, tiếp nhận, số nghi là nạn nhân (thông qua '
     'xuất khẩu lao động, du lịch, kết hôn với người nước ngoài,....); lập hồ sơ quản lý nạn nhân bị mua bán trở'
     ' về để tư vấn, xác định nhu cầu, trình độ, hoàn cảnh gia đình để có kế hoạch trợ giúp phù hợp.'),
    ('Cử cán bộ dự tập huấn nâng cao nghiệp vụ do Tỉnh tổ chức; học tập, trao đổi kinh nghiệm, nâng cao kiến '
     'thức gắn với thực tiễn của địa bàn cho đội ngũ cán bộ làm công tác tiếp nhận và hỗ trợ nạn nhân bị mua bán'
     ' trở về trên địa bàn.'),
    ('Thường xuyên tổ chức kiểm tra, giám sát, đánh giá việc triển khai thực hiện công tác xác minh, tiếp nhận, '
     'bảo vệ và hỗ trợ nạn nhân trên địa bàn Huyện.'),
]

DUTIES = [
    SeedDuty(1, 'Phòng Lao động – Thương binh và Xã hội', ['th_labour'], [
        ('Chủ trì, hướng dẫn thực hiện nội dung tại mục 2.2 của phần II “Hỗ trợ nạn nhân bị mua bán trở về”; '
         'tổng hợp báo cáo kết quả thực hiện công tác tiếp nhận và hỗ trợ nạn nhân bị mua bán.'),
        ('Chủ trì, phối hợp với các phòng, ban, ngành có liên quan tổ chức các hoạt động tuyên truyền chủ '
         'trương, chính sách của Đảng và Nhà nước về công tác phòng, chống mua bán người, hỗ trợ nạn nhân bị mua'
         ' bán trở về hòa nhập cộng đồng.'),
        ('Phối hợp với các đơn vị liên quan rà soát, thống kê, lập hồ sơ quản lý nạn nhân bị mua bán; tiếp nhận,'
         ' tổng hợp thông tin, thực hiện hỗ trợ chính sách kịp thời.'),
        ('Phối hợp với Công an huyện, Bộ đội Biên phòng Tỉnh đóng trên địa bàn và các cơ quan chức năng tổ chức '
         'tốt việc tiếp nhận nạn nhân bị mua bán từ nước ngoài trở về hoặc được trao trả qua cửa khẩu biên giới,'
         ' hỗ trợ nạn nhân bị mua bán theo quy định hiện hành.'),
        ('Chủ trì, phối hợp với Công an Huyện, Bộ chỉ huy Bộ đội Biên phòng Tỉnh đóng trên địa bàn thực hiện các'
         ' hoạt động kiểm tra, giám sát, đánh giá việc thực hiện kế hoạch.'),
    ]),
    SeedDuty(2, 'Công an Huyện', ['th_police'], [
        ('Phối hợp Phòng Lao động – Thương binh và Xã hội, Bộ đội Biên phòng tỉnh đóng trên địa bàn thực hiện '
         'các hoạt động kiểm tra, giám sát, đánh giá việc thực hiện kế hoạch; tổ chức tốt việc tiếp nhận nạn '
         'nhân bị mua bán từ nước ngoài trở về hoặc được trao trả qua cửa khẩu biên giới, hỗ trợ nạn nhân bị mua'
         ' bán theo quy định hiện hành.'),
    ]),
    SeedDuty(3, 'Phòng Tư pháp', ['th_justice'], [
        ('Phối hợp với Công an huyện và các ngành có liên quan, tổ chức tuyên truyền pháp luật để nâng cao nhận '
         'thức của các tầng lớp nhân dân, kịp thời phát hiện tố giác đối tượng phạm tội mua bán phụ nữ, trẻ em '
         '(qua lý lịch tư pháp) để đấu tranh phòng ngừa tội phạm này. Hỗ trợ, trợ giúp pháp lý cho nạn nhân bị '
         'mua bán theo quy định của pháp luật.'),
    ]),
    SeedDuty(4, 'Phòng Y tế, Trung tâm Y tế huyện', ['th_health_office', 'th_health_centre'], [
        ('Chỉ đạo các Trạm y tế xã, thị trấn phối hợp với các ngành có liên quan trong việc khám chữa bệnh và '
         'cung cấp các dịch vụ y tế cho các nạn nhân bị mua bán trở về.'),
    ]),
    SeedDuty(5, 'Phòng Tài chính - Kế hoạch', ['th_finance'], [
        ('Hướng dẫn các cơ quan tham gia thực hiện việc tiếp nhận và hỗ trợ nạn nhân bị mua bán trở về; lập dự '
         'trù kinh phí hoạt động theo hướng dẫn của Chính phủ, kiểm tra giám sát việc sử dụng kinh phí đúng mục '
         'đích.'),
    ]),
    SeedDuty(6, 'Phòng Giáo dục và Đào tạo', ['th_education'], [
        ('Chỉ đạo các đơn vị trường trực thuộc tăng cường công tác tuyên truyền giáo dục cho học sinh trong '
         'trường học, tổ chức các lớp học ngoại khoá giúp các em chủ động phòng tránh âm mưu lừa gạt, dụ dỗ, '
         'đồng thời tạo điều kiện thuận lợi để học sinh là nạn nhân được học văn hóa, học nghề, hòa nhập cộng '
         'đồng.'),
    ]),
    SeedDuty(7, 'Đề nghị Hội Liên hiệp Phụ nữ huyện', ['th_women'], [
        ('Căn cứ các quy định về chế độ, chính sách, các dịch vụ hỗ trợ như: khám bệnh, tư vấn tâm lý, học nghề,'
         ' vay vốn, tạo việc làm và theo dõi giúp đỡ nạn nhân trong quá trình tiếp nhận, phục hồi và tái hoà '
         'nhập cộng đồng.'),
        ('Chỉ đạo cấp hội cơ sở tổ chức cho nạn nhân là phụ nữ, trẻ em bị mua bán trở về được tham gia sinh hoạt'
         ' Hội, tạo điều kiện giúp đỡ cho nạn nhân được vay vốn từ các nguồn vốn của địa phương; tổ chức các '
         'hoạt động tuyên truyền nâng cao nhận thức của phụ nữ và cộng đồng. Đặc biệt quan tâm đến các hoạt động'
         ' truyền thông tư vấn kỹ năng sống cho những nạn nhân trở về sớm hoà nhập cộng đồng, ổn định cuộc sống,'
         ' phòng ngừa việc tiếp tục bị lừa bán trở lại.'),
    ]),
    SeedDuty(8, 'Phòng Văn hóa và Thông tin', ['th_culture'], [
        ('Đẩy mạnh công tác truyền thông, tuyên truyền rộng khắp trong nhân dân, nhằm nâng cao nhận thức về '
         'phòng, chống tệ nạn mua bán người ra nước ngoài và tạo mọi điều kiện cho các nạn nhân hoà nhập tốt với'
         ' cộng đồng xã hội.'),
    ]),
    SeedDuty(9, 'Đề nghị Toà án Nhân dân và Viện kiểm sát Nhân dân huyện', ['th_court', 'th_procuracy'], [
        ('Phối hợp chặt chẽ với Công an huyện trong công tác điều tra, nắm bắt tình hình tội phạm mua bán người,'
         ' kịp thời truy tố những vụ án có liên quan đến tội phạm mua bán người.'),
        ('Đưa một số vụ án điển hình về mua bán người ra xét xử lưu động để tuyên truyền, giáo dục, phòng ngừa '
         'chung (nếu có).'),
    ]),
    SeedDuty(10, 'Đề nghị Ủy ban MTTQ Việt Nam huyện', ['th_front'], [
        ('Có kế hoạch phân công, chỉ đạo các tổ chức thành viên tham gia các hoạt động tuyên truyền phòng, chống'
         ' tội phạm mua bán người góp phần phòng ngừa tội phạm trên lĩnh vực này.'),
    ]),
    SeedDuty(11, 'UBND các xã, thị trấn', [*COMMUNES], [
        ('Căn cứ vào Kế hoạch thực hiện Đề án “Tiếp nhận, xác minh, bảo vệ và hỗ trợ nạn nhân bị mua bán trở '
         'về”, các quy định của Luật phòng, chống mua bán người và các quy định khác có liên quan xây dựng kế '
         'hoạch thực hiện công tác tiếp nhận, xác minh, bảo vệ và hỗ trợ nạn nhân bị mua bán trở về tại địa '
         'phương mình.'),
    ]),
]

REPORT_CLAUSE = ('Giao phòng Lao động – Thương binh và Xã hội phối hợp các ngành có liên quan thường xuyên kiểm tra, '
     'giám sát, đôn đốc việc thực hiện kế hoạch. Tổng hợp tình hình, định kỳ báo cáo Ủy ban nhân dân huyện và Sở Lao '
     'động – Thương binh và Xã hội theo quy định./.')

RECIPIENTS = [
    'Sở Lao động - Thương binh và Xã hội;',
    'Chủ tịch, các PCT. UBND huyện;',
    'Ủy ban MTTQ Việt Nam huyện;',
    'Hội Liên hiệp Phụ nữ huyện;',
    'Viện Kiểm sát nhân dân huyện;',
    'Tòa án Nhân dân huyện;',
    'Các Phòng: LĐ-TB&XH, TP, TC-KH, VH&TT, GD&ĐT, YT;',
    'Trung tâm Y tế huyện;',
    'UBND các xã, thị trấn;',
    'Lãnh đạo Văn phòng;',
    'Lưu: VT/UB, NC (L. Thư).',
]
