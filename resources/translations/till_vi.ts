<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
    <context>
        <name>ApprovalBox</name>
        <message>
            <source>Manager approval</source>
            <translation>Quản lý duyệt</translation>
        </message>
        <message>
            <source>Manager &amp;code</source>
            <translation>&amp;Mã quản lý</translation>
        </message>
        <message>
            <source>P&amp;IN</source>
            <translation>Mã P&amp;IN</translation>
        </message>
        <message>
            <source>Approve (Enter)</source>
            <translation>Duyệt (Enter)</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>Hủy (Esc)</translation>
        </message>
        <message>
            <source>Manager's staff code</source>
            <translation>Mã nhân viên của quản lý</translation>
        </message>
        <message>
            <source>Manager's PIN</source>
            <translation>Mã PIN của quản lý</translation>
        </message>
        <message>
            <source>Approve</source>
            <translation>Duyệt</translation>
        </message>
        <message>
            <source>Cancel the approval</source>
            <translation>Hủy yêu cầu duyệt</translation>
        </message>
        <message>
            <source>Approval message</source>
            <translation>Thông báo duyệt</translation>
        </message>
        <message>
            <source>The manager types their staff code.</source>
            <translation>Quản lý hãy nhập mã nhân viên.</translation>
        </message>
        <message>
            <source>The manager types their PIN.</source>
            <translation>Quản lý hãy nhập mã PIN.</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Đang kiểm tra…</translation>
        </message>
        <message>
            <source>{name} is not a manager and cannot approve this. Ask a manager.</source>
            <translation>{name} không phải quản lý nên không thể duyệt. Hãy nhờ quản lý.</translation>
        </message>
    </context>
    <context>
        <name>CustomerDisplay</name>
        <message>
            <source>Customer display</source>
            <translation>Màn hình khách hàng</translation>
        </message>
        <message>
            <source>Progress to the next tier</source>
            <translation>Tiến độ lên hạng tiếp theo</translation>
        </message>
        <message>
            <source>Welcome</source>
            <translation>Xin kính chào quý khách</translation>
        </message>
        <message>
            <source>Tap your card or show your code to collect points.</source>
            <translation>Chạm thẻ hoặc đưa mã để tích điểm.</translation>
        </message>
        <message>
            <source>Thank you, {name}!</source>
            <translation>Cảm ơn {name}!</translation>
        </message>
        <message>
            <source>Your balance: {points} points</source>
            <translation>Điểm của bạn: {points} điểm</translation>
        </message>
        <message>
            <source>See you again soon.</source>
            <translation>Hẹn gặp lại quý khách.</translation>
        </message>
        <message>
            <source>Hello {name}</source>
            <translation>Xin chào {name}</translation>
        </message>
        <message>
            <source>+{earned} points today</source>
            <translation>+{earned} điểm hôm nay</translation>
        </message>
        <message>
            <source>{redeemed} points used</source>
            <translation>đã dùng {redeemed} điểm</translation>
        </message>
        <message>
            <source>{money} more to {tier}</source>
            <translation>Còn {money} nữa để lên hạng {tier}</translation>
        </message>
        <message>
            <source>Tier: {tier}</source>
            <translation>Hạng: {tier}</translation>
        </message>
        <message>
            <source>Welcome, {name}!</source>
            <translation>Chào mừng {name}!</translation>
        </message>
        <message>
            <source>Your welcome gift: +{points} points</source>
            <translation>Quà chào mừng: +{points} điểm</translation>
        </message>
        <message>
            <source>Tap your card at every visit to collect points.</source>
            <translation>Chạm thẻ mỗi lần mua sắm để tích điểm.</translation>
        </message>
    </context>
    <context>
        <name>DemoTapButton</name>
        <message>
            <source>Demo: tap a card</source>
            <translation>Thử: chạm một thẻ</translation>
        </message>
        <message>
            <source>Demo: tap a member's card on the simulated reader</source>
            <translation>Thử: chạm thẻ của một hội viên trên đầu đọc mô phỏng</translation>
        </message>
    </context>
    <context>
        <name>EnrolPanel</name>
        <message>
            <source>New member</source>
            <translation>Hội viên mới</translation>
        </message>
        <message>
            <source>&amp;Name</source>
            <translation>&amp;Họ tên</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>Họ và tên</translation>
        </message>
        <message>
            <source>e.g. Nguyễn Thị Lan</source>
            <translation>ví dụ: Nguyễn Thị Lan</translation>
        </message>
        <message>
            <source>&amp;Phone</source>
            <translation>Điện &amp;thoại</translation>
        </message>
        <message>
            <source>Phone number</source>
            <translation>Số điện thoại</translation>
        </message>
        <message>
            <source>e.g. 0901 234 567</source>
            <translation>ví dụ: 0901 234 567</translation>
        </message>
        <message>
            <source>&amp;E-mail</source>
            <translation>&amp;E-mail</translation>
        </message>
        <message>
            <source>E-mail address</source>
            <translation>Địa chỉ e-mail</translation>
        </message>
        <message>
            <source>optional</source>
            <translation>không bắt buộc</translation>
        </message>
        <message>
            <source>&amp;Birthday</source>
            <translation>&amp;Ngày sinh</translation>
        </message>
        <message>
            <source>Birthday</source>
            <translation>Ngày sinh</translation>
        </message>
        <message>
            <source>dd/mm/yyyy, optional</source>
            <translation>dd/mm/yyyy, không bắt buộc</translation>
        </message>
        <message>
            <source>Re&amp;ferral code</source>
            <translation>Mã &amp;giới thiệu</translation>
        </message>
        <message>
            <source>Referral code</source>
            <translation>Mã giới thiệu</translation>
        </message>
        <message>
            <source>The customer agrees to (tick only what they say yes to):</source>
            <translation>Khách hàng đồng ý (chỉ đánh dấu điều khách nói có):</translation>
        </message>
        <message>
            <source>Offers and news</source>
            <translation>Khuyến mãi và tin tức</translation>
        </message>
        <message>
            <source>Personalised offers</source>
            <translation>Ưu đãi dành riêng</translation>
        </message>
        <message>
            <source>{words} (text version {version})</source>
            <translation>{words} (phiên bản văn bản {version})</translation>
        </message>
        <message>
            <source>Card</source>
            <translation>Thẻ</translation>
        </message>
        <message>
            <source>Remove card</source>
            <translation>Bỏ thẻ</translation>
        </message>
        <message>
            <source>Remove the card from the enrolment</source>
            <translation>Bỏ thẻ khỏi lần đăng ký này</translation>
        </message>
        <message>
            <source>Enrol (Enter)</source>
            <translation>Đăng ký (Enter)</translation>
        </message>
        <message>
            <source>Enrol the member</source>
            <translation>Đăng ký hội viên</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>Hủy (Esc)</translation>
        </message>
        <message>
            <source>Cancel the enrolment</source>
            <translation>Hủy đăng ký</translation>
        </message>
        <message>
            <source>Tap a blank card on the reader to link it (optional).</source>
            <translation>Chạm một thẻ trắng vào đầu đọc để gắn thẻ (không bắt buộc).</translation>
        </message>
        <message>
            <source>Card ready: {digits}</source>
            <translation>Thẻ sẵn sàng: {digits}</translation>
        </message>
        <message>
            <source>Type the customer's name.</source>
            <translation>Hãy nhập họ tên khách hàng.</translation>
        </message>
        <message>
            <source>Type the birthday as dd/mm/yyyy, e.g. 17/05/1990.</source>
            <translation>Nhập ngày sinh theo dạng dd/mm/yyyy, ví dụ 17/05/1990.</translation>
        </message>
        <message>
            <source>This card carries a member number: it already belongs to a member. Tap a blank card.</source>
            <translation>Thẻ này mang số hội viên: thẻ đã thuộc về một hội viên. Hãy chạm một thẻ trắng.</translation>
        </message>
        <message>
            <source>Checking the card…</source>
            <translation>Đang kiểm tra thẻ…</translation>
        </message>
        <message>
            <source>This card already belongs to member no. {number}. Tap a blank card.</source>
            <translation>Thẻ này đã thuộc về hội viên số {number}. Hãy chạm một thẻ trắng.</translation>
        </message>
        <message>
            <source>This card already belongs to a member and no longer works. Tap a blank card.</source>
            <translation>Thẻ này đã thuộc về một hội viên và không còn dùng được. Hãy chạm một thẻ trắng.</translation>
        </message>
        <message>
            <source>Check the fields marked in red.</source>
            <translation>Hãy kiểm tra các ô được đánh dấu đỏ.</translation>
        </message>
        <message>
            <source>Enrolling…</source>
            <translation>Đang đăng ký…</translation>
        </message>
        <message>
            <source>{name} was enrolled: member no. {number}.</source>
            <translation>Đã đăng ký {name}: hội viên số {number}.</translation>
        </message>
    </context>
    <context>
        <name>LockScreen</name>
        <message>
            <source>Locked. {name} unlocks with their PIN.</source>
            <translation>Đã khóa. {name} mở khóa bằng mã PIN của mình.</translation>
        </message>
        <message>
            <source>&amp;PIN</source>
            <translation>Mã &amp;PIN</translation>
        </message>
        <message>
            <source>Unlock (Enter)</source>
            <translation>Mở khóa (Enter)</translation>
        </message>
        <message>
            <source>Switch cashier</source>
            <translation>Đổi thu ngân</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>Mã PIN</translation>
        </message>
        <message>
            <source>Unlock</source>
            <translation>Mở khóa</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Thông báo</translation>
        </message>
        <message>
            <source>Type your PIN.</source>
            <translation>Nhập mã PIN của bạn.</translation>
        </message>
    </context>
    <context>
        <name>LoyaltyError</name>
        <message>
            <source>Something went wrong.</source>
            <translation>Đã có lỗi xảy ra.</translation>
        </message>
        <message>
            <source>{what} is not valid: {why}</source>
            <translation>{what} không hợp lệ: {why}</translation>
        </message>
        <message>
            <source>The amount {amount} is not valid: {why}</source>
            <translation>Số tiền {amount} không hợp lệ: {why}</translation>
        </message>
        <message>
            <source>The amount is in {got}, but this store works in {expected}.</source>
            <translation>Số tiền tính bằng {got}, nhưng cửa hàng này dùng {expected}.</translation>
        </message>
        <message>
            <source>{currency} is not a known currency code.</source>
            <translation>{currency} không phải là mã tiền tệ hợp lệ.</translation>
        </message>
        <message>
            <source>The loyalty program file is not valid: {problems}</source>
            <translation>Tệp chương trình khách hàng thân thiết không hợp lệ: {problems}</translation>
        </message>
        <message>
            <source>No {what} matches {ref}.</source>
            <translation>Không tìm thấy {what} nào khớp với {ref}.</translation>
        </message>
        <message>
            <source>This card is not registered. Enrol the customer or link the card to a member.</source>
            <translation>Thẻ này chưa được đăng ký. Hãy đăng ký khách hàng hoặc gắn thẻ cho một hội viên.</translation>
        </message>
        <message>
            <source>This card is {status}. Ask the customer for their current card or look them up by phone.</source>
            <translation>Thẻ này {status}. Hãy xin khách thẻ đang dùng hoặc tìm khách theo số điện thoại.</translation>
        </message>
        <message>
            <source>Member {member} is {status} and cannot collect or spend points.</source>
            <translation>Hội viên {member} {status}, không thể tích hay dùng điểm.</translation>
        </message>
        <message>
            <source>Not enough points: {requested} asked, {available} available.</source>
            <translation>Không đủ điểm: cần {requested}, hiện có {available}.</translation>
        </message>
        <message>
            <source>These points cannot be redeemed: {why}</source>
            <translation>Không thể đổi số điểm này: {why}</translation>
        </message>
        <message>
            <source>Receipt {receipt} already earned points ({points} points to member {member}).</source>
            <translation>Hóa đơn {receipt} đã được tích điểm ({points} điểm cho hội viên {member}).</translation>
        </message>
        <message>
            <source>{action} already recorded {count} time(s) this {period}; the limit is {cap}.</source>
            <translation>{action} đã ghi nhận {count} lần {period}; giới hạn là {cap}.</translation>
        </message>
        <message>
            <source>Only a manager can {action}. Ask a manager to sign in.</source>
            <translation>Chỉ quản lý mới được {action}. Hãy nhờ quản lý đăng nhập.</translation>
        </message>
        <message>
            <source>Wrong staff code or PIN.</source>
            <translation>Sai mã nhân viên hoặc mã PIN.</translation>
        </message>
        <message>
            <source>This return cannot be processed: {why}</source>
            <translation>Không thể xử lý trả hàng này: {why}</translation>
        </message>
        <message>
            <source>{what} is already in use: {ref}.</source>
            <translation>{what} đã được sử dụng: {ref}.</translation>
        </message>
        <message>
            <source>Too many wrong PINs. Try again in {minutes} minutes or ask a manager.</source>
            <translation>Nhập sai mã PIN quá nhiều lần. Hãy thử lại sau {minutes} phút hoặc nhờ quản lý.</translation>
        </message>
        <message>
            <source>The Loyalty Till database {path} cannot be used.</source>
            <translation>Không thể dùng cơ sở dữ liệu Loyalty Till {path}.</translation>
        </message>
        <message>
            <source>The till's database is busy (another program is writing to it). Try again in a moment.</source>
            <translation>Cơ sở dữ liệu của quầy đang bận (một chương trình khác đang ghi). Hãy thử lại sau giây lát.</translation>
        </message>
        <message>
            <source>The Loyalty Till database {path} cannot be used: {why}. Nothing was written: fix the permissions or run the till as the user that owns its folder.</source>
            <translation>Không thể dùng cơ sở dữ liệu Loyalty Till {path}: {why}. Chưa có gì được ghi: hãy sửa quyền truy cập hoặc chạy quầy bằng người dùng sở hữu thư mục đó.</translation>
        </message>
        <message>
            <source>The disk holding {path} is full. Nothing was written: free some space and try again.</source>
            <translation>Ổ đĩa chứa {path} đã đầy. Chưa có gì được ghi: hãy giải phóng dung lượng rồi thử lại.</translation>
        </message>
        <message>
            <source>blocked</source>
            <translation>đã bị khóa</translation>
        </message>
        <message>
            <source>replaced</source>
            <translation>đã được thay thế</translation>
        </message>
        <message>
            <source>member</source>
            <translation>hội viên</translation>
        </message>
        <message>
            <source>This card was blocked on {date} ({reason}). Ask the customer for their current card or look them up by phone.</source>
            <translation>Thẻ này đã bị khóa ngày {date} ({reason}). Hãy xin khách thẻ đang dùng hoặc tìm khách theo số điện thoại.</translation>
        </message>
        <message>
            <source>This card was replaced by a new card on {date}. Ask the customer for their new card or look them up by phone.</source>
            <translation>Thẻ này đã được thay bằng thẻ mới ngày {date}. Hãy xin khách thẻ mới hoặc tìm khách theo số điện thoại.</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Họ tên</translation>
        </message>
        <message>
            <source>Phone number</source>
            <translation>Số điện thoại</translation>
        </message>
        <message>
            <source>E-mail address</source>
            <translation>Địa chỉ e-mail</translation>
        </message>
        <message>
            <source>Birthday</source>
            <translation>Ngày sinh</translation>
        </message>
        <message>
            <source>referral code</source>
            <translation>mã giới thiệu</translation>
        </message>
        <message>
            <source>This card</source>
            <translation>Thẻ này</translation>
        </message>
        <message>
            <source>it is empty</source>
            <translation>đang để trống</translation>
        </message>
        <message>
            <source>it has no letters</source>
            <translation>không có chữ cái nào</translation>
        </message>
        <message>
            <source>it is longer than 120 characters</source>
            <translation>dài quá 120 ký tự</translation>
        </message>
        <message>
            <source>it may contain only digits, spaces, +, - and ()</source>
            <translation>chỉ được chứa chữ số, dấu cách, +, - và ()</translation>
        </message>
        <message>
            <source>it is not a valid number (check the digits)</source>
            <translation>số không đúng (hãy kiểm tra các chữ số)</translation>
        </message>
        <message>
            <source>it does not look like name@example.com</source>
            <translation>không có dạng ten@example.com</translation>
        </message>
        <message>
            <source>it is not a real date of birth</source>
            <translation>không phải ngày sinh thật</translation>
        </message>
        <message>
            <source>it is already linked to a member</source>
            <translation>thẻ đã được gắn cho một hội viên</translation>
        </message>
        <message>
            <source>record sales and redemptions</source>
            <translation>ghi nhận bán hàng và đổi điểm</translation>
        </message>
        <message>
            <source>process returns</source>
            <translation>xử lý trả hàng</translation>
        </message>
        <message>
            <source>enrol members</source>
            <translation>đăng ký hội viên</translation>
        </message>
        <message>
            <source>block a card</source>
            <translation>khóa thẻ</translation>
        </message>
        <message>
            <source>approve a large redemption</source>
            <translation>duyệt đổi điểm lớn</translation>
        </message>
        <message>
            <source>adjust points</source>
            <translation>điều chỉnh điểm</translation>
        </message>
        <message>
            <source>replace a card</source>
            <translation>thay thẻ</translation>
        </message>
        <message>
            <source>merge members</source>
            <translation>gộp hội viên</translation>
        </message>
        <message>
            <source>manage staff</source>
            <translation>quản lý nhân viên</translation>
        </message>
        <message>
            <source>change settings or the program</source>
            <translation>thay đổi cài đặt hoặc chương trình</translation>
        </message>
        <message>
            <source>Card</source>
            <translation>Thẻ</translation>
        </message>
        <message>
            <source>Card UID</source>
            <translation>Mã UID của thẻ</translation>
        </message>
        <message>
            <source>Card key</source>
            <translation>Khóa thẻ</translation>
        </message>
        <message>
            <source>Clock</source>
            <translation>Đồng hồ</translation>
        </message>
        <message>
            <source>Hint</source>
            <translation>Gợi ý</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Ngôn ngữ</translation>
        </message>
        <message>
            <source>Member id</source>
            <translation>Mã hội viên</translation>
        </message>
        <message>
            <source>Member number</source>
            <translation>Số hội viên</translation>
        </message>
        <message>
            <source>Merge</source>
            <translation>Gộp hội viên</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>Mã PIN</translation>
        </message>
        <message>
            <source>Phone region</source>
            <translation>Mã quốc gia của số điện thoại</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>Số điểm</translation>
        </message>
        <message>
            <source>Program version</source>
            <translation>Phiên bản chương trình</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>Lý do</translation>
        </message>
        <message>
            <source>Receipt number</source>
            <translation>Số hóa đơn</translation>
        </message>
        <message>
            <source>Sale time</source>
            <translation>Thời điểm bán</translation>
        </message>
        <message>
            <source>Staff code</source>
            <translation>Mã nhân viên</translation>
        </message>
        <message>
            <source>Store or till number</source>
            <translation>Số cửa hàng hoặc số quầy</translation>
        </message>
        <message>
            <source>action</source>
            <translation>hoạt động</translation>
        </message>
        <message>
            <source>card</source>
            <translation>thẻ</translation>
        </message>
        <message>
            <source>program version</source>
            <translation>phiên bản chương trình</translation>
        </message>
        <message>
            <source>reward</source>
            <translation>quà đổi điểm</translation>
        </message>
        <message>
            <source>sale with receipt</source>
            <translation>hóa đơn bán hàng</translation>
        </message>
        <message>
            <source>till set-up</source>
            <translation>thiết lập quầy</translation>
        </message>
        <message>
            <source>this database (run the set-up first)</source>
            <translation>cơ sở dữ liệu này (hãy chạy thiết lập trước)</translation>
        </message>
        <message>
            <source>{version} (give changed rules a new version)</source>
            <translation>{version} (quy tắc đã đổi cần số phiên bản mới)</translation>
        </message>
        <message>
            <source>amount</source>
            <translation>số tiền</translation>
        </message>
        <message>
            <source>sale amount</source>
            <translation>số tiền bán hàng</translation>
        </message>
        <message>
            <source>it is longer than {limit} characters</source>
            <translation>dài quá {limit} ký tự</translation>
        </message>
        <message>
            <source>it has more than {limit} digits</source>
            <translation>dài quá {limit} chữ số</translation>
        </message>
        <message>
            <source>it contains a control or invisible character (a line break, NUL…)</source>
            <translation>có ký tự điều khiển hoặc ký tự ẩn (xuống dòng, NUL…)</translation>
        </message>
        <message>
            <source>{text} is not a whole number: use the digits 0-9, e.g. 1250 or 1.250</source>
            <translation>{text} không phải số nguyên: hãy dùng chữ số 0-9, ví dụ 1250 hoặc 1.250</translation>
        </message>
        <message>
            <source>use digits only</source>
            <translation>chỉ dùng chữ số</translation>
        </message>
        <message>
            <source>group thousands by three digits, e.g. 125.000</source>
            <translation>nhóm hàng nghìn theo ba chữ số, ví dụ 125.000</translation>
        </message>
        <message>
            <source>{currency} has {places} decimal places</source>
            <translation>{currency} có {places} chữ số thập phân</translation>
        </message>
        <message>
            <source>money is counted in whole minor units</source>
            <translation>tiền phải là số nguyên theo đơn vị nhỏ nhất</translation>
        </message>
        <message>
            <source>it is larger than any sale this till accepts</source>
            <translation>lớn hơn mọi hóa đơn quầy này chấp nhận</translation>
        </message>
        <message>
            <source>the {what} must be more than zero</source>
            <translation>{what} phải lớn hơn 0</translation>
        </message>
        <message>
            <source>the basket is empty</source>
            <translation>giỏ hàng đang trống</translation>
        </message>
        <message>
            <source>every line must be more than zero</source>
            <translation>mỗi dòng hàng phải lớn hơn 0</translation>
        </message>
        <message>
            <source>the quantity must be at least 1</source>
            <translation>số lượng phải ít nhất là 1</translation>
        </message>
        <message>
            <source>it must carry a time zone (promotions follow the store's clock)</source>
            <translation>phải có múi giờ (khuyến mãi theo giờ của cửa hàng)</translation>
        </message>
        <message>
            <source>times must carry a time zone</source>
            <translation>thời gian phải có múi giờ</translation>
        </message>
        <message>
            <source>the original sale has no amount to refund</source>
            <translation>hóa đơn gốc không có tiền để hoàn</translation>
        </message>
        <message>
            <source>the sale's records are inconsistent (negative points or refunds)</source>
            <translation>dữ liệu của hóa đơn không khớp (điểm hoặc tiền hoàn bị âm)</translation>
        </message>
        <message>
            <source>the refund must be more than zero</source>
            <translation>tiền hoàn phải lớn hơn 0</translation>
        </message>
        <message>
            <source>only {left} of this receipt is left to refund</source>
            <translation>hóa đơn này chỉ còn được hoàn tối đa {left}</translation>
        </message>
        <message>
            <source>a credit must add at least one point</source>
            <translation>mỗi lần cộng phải cộng ít nhất 1 điểm</translation>
        </message>
        <message>
            <source>a debit must take at least one point</source>
            <translation>mỗi lần trừ phải trừ ít nhất 1 điểm</translation>
        </message>
        <message>
            <source>redeem a whole number of points, more than zero</source>
            <translation>hãy đổi số điểm nguyên, lớn hơn 0</translation>
        </message>
        <message>
            <source>an adjustment is a whole number of points, not zero</source>
            <translation>điều chỉnh phải là số điểm nguyên, khác 0</translation>
        </message>
        <message>
            <source>an adjustment over 1,000,000 points is not accepted</source>
            <translation>không nhận điều chỉnh quá 1.000.000 điểm</translation>
        </message>
        <message>
            <source>the reward {reward} is a discount: give the bill amount</source>
            <translation>quà {reward} là giảm giá: hãy nhập số tiền hóa đơn</translation>
        </message>
        <message>
            <source>the reward {reward} is worth {value}: give the bill amount</source>
            <translation>quà {reward} trị giá {value}: hãy nhập số tiền hóa đơn</translation>
        </message>
        <message>
            <source>the discount is larger than the bill</source>
            <translation>tiền giảm lớn hơn hóa đơn</translation>
        </message>
        <message>
            <source>the reward costs {points} points, under the minimum of {minimum}</source>
            <translation>quà này cần {points} điểm, thấp hơn mức tối thiểu {minimum}</translation>
        </message>
        <message>
            <source>the minimum is {minimum} points</source>
            <translation>tối thiểu là {minimum} điểm</translation>
        </message>
        <message>
            <source>paying with points needs the bill amount</source>
            <translation>trả bằng điểm cần nhập số tiền hóa đơn</translation>
        </message>
        <message>
            <source>points may pay at most {percent}% of this bill, {limit}</source>
            <translation>điểm chỉ được trả tối đa {percent}% hóa đơn này, tức {limit}</translation>
        </message>
        <message>
            <source>points may pay at most {percent}% of this bill, {limit} ({paid} already paid with points)</source>
            <translation>điểm chỉ được trả tối đa {percent}% hóa đơn này, tức {limit} (đã trả {paid} bằng điểm)</translation>
        </message>
        <message>
            <source>a reason is required for this action</source>
            <translation>việc này cần ghi lý do</translation>
        </message>
        <message>
            <source>keep it under {limit} characters</source>
            <translation>hãy viết dưới {limit} ký tự</translation>
        </message>
        <message>
            <source>say why the card is blocked (lost, stolen, damaged)</source>
            <translation>hãy ghi lý do khóa thẻ (mất, bị trộm, hỏng)</translation>
        </message>
        <message>
            <source>say why the card is replaced</source>
            <translation>hãy ghi lý do thay thẻ</translation>
        </message>
        <message>
            <source>the card gave no identity</source>
            <translation>thẻ không cho biết mã nhận dạng</translation>
        </message>
        <message>
            <source>it must be hexadecimal bytes</source>
            <translation>phải là các byte thập lục phân</translation>
        </message>
        <message>
            <source>{count} bytes is not a card UID length</source>
            <translation>{count} byte không phải độ dài UID của thẻ</translation>
        </message>
        <message>
            <source>it must be at least 16 bytes</source>
            <translation>phải dài ít nhất 16 byte</translation>
        </message>
        <message>
            <source>it must be 32 bytes (64 hexadecimal digits)</source>
            <translation>phải dài 32 byte (64 chữ số thập lục phân)</translation>
        </message>
        <message>
            <source>its check digit is wrong — please retype it</source>
            <translation>chữ số kiểm tra bị sai — hãy nhập lại</translation>
        </message>
        <message>
            <source>it is not an id the till made</source>
            <translation>không phải mã do quầy tạo ra</translation>
        </message>
        <message>
            <source>choose vi or en</source>
            <translation>chọn vi hoặc en</translation>
        </message>
        <message>
            <source>a reason is required to merge members</source>
            <translation>cần ghi lý do để gộp hội viên</translation>
        </message>
        <message>
            <source>a member cannot be merged into themselves</source>
            <translation>không thể gộp một hội viên vào chính hội viên đó</translation>
        </message>
        <message>
            <source>use 4 to 8 digits</source>
            <translation>dùng từ 4 đến 8 chữ số</translation>
        </message>
        <message>
            <source>use 2 to 8 digits</source>
            <translation>dùng từ 2 đến 8 chữ số</translation>
        </message>
        <message>
            <source>store 0-999, till 0-99</source>
            <translation>cửa hàng 0-999, quầy 0-99</translation>
        </message>
        <message>
            <source>{region} is not a country code such as VN</source>
            <translation>{region} không phải mã quốc gia (như VN)</translation>
        </message>
        <message>
            <source>{kind} is not a kind of hint</source>
            <translation>{kind} không phải một loại gợi ý</translation>
        </message>
        <message>
            <source>say whether it was used (yes or no)</source>
            <translation>hãy cho biết đã dùng hay chưa (có hoặc không)</translation>
        </message>
        <message>
            <source>no loyalty program is installed on this till</source>
            <translation>quầy này chưa cài chương trình khách hàng thân thiết</translation>
        </message>
        <message>
            <source>the file is larger than {size} KiB</source>
            <translation>tệp lớn hơn {size} KiB</translation>
        </message>
        <message>
            <source>the file nests deeper than {levels} levels</source>
            <translation>tệp lồng nhau sâu quá {levels} cấp</translation>
        </message>
        <message>
            <source>the file is not valid {format} ({error})</source>
            <translation>tệp không phải {format} hợp lệ ({error})</translation>
        </message>
        <message>
            <source>the file must hold one object (a table of settings)</source>
            <translation>tệp phải chứa đúng một đối tượng (một bảng cài đặt)</translation>
        </message>
        <message>
            <source>cannot read {file}: {error}</source>
            <translation>không đọc được {file}: {error}</translation>
        </message>
        <message>
            <source>this user may not read it</source>
            <translation>người dùng này không được đọc tệp</translation>
        </message>
        <message>
            <source>the file is read-only for this user</source>
            <translation>tệp chỉ cho người dùng này đọc</translation>
        </message>
        <message>
            <source>{file} next to it is read-only for this user</source>
            <translation>tệp {file} bên cạnh chỉ cho người dùng này đọc</translation>
        </message>
        <message>
            <source>its folder {folder} is read-only for this user (SQLite keeps {name}-wal and {name}-shm there)</source>
            <translation>thư mục {folder} chỉ cho người dùng này đọc (SQLite cần ghi {name}-wal và {name}-shm ở đó)</translation>
        </message>
        <message>
            <source>it does not exist and this user may not create files in {folder}</source>
            <translation>tệp chưa có và người dùng này không được tạo tệp trong {folder}</translation>
        </message>
        <message>
            <source>SQLite could not write to it (it is read-only)</source>
            <translation>SQLite không ghi được vào tệp (tệp chỉ đọc)</translation>
        </message>
        <message>
            <source>SQLite could not open it or its folder</source>
            <translation>SQLite không mở được tệp hoặc thư mục chứa tệp</translation>
        </message>
        <message>
            <source>this user may not change {where}</source>
            <translation>người dùng này không được sửa {where}</translation>
        </message>
        <message>
            <source>merged</source>
            <translation>đã được gộp vào hội viên khác</translation>
        </message>
        <message>
            <source>erased</source>
            <translation>đã bị xóa</translation>
        </message>
        <message>
            <source>day</source>
            <translation>trong hôm nay</translation>
        </message>
        <message>
            <source>week</source>
            <translation>trong tuần này</translation>
        </message>
        <message>
            <source>month</source>
            <translation>trong tháng này</translation>
        </message>
        <message>
            <source>year</source>
            <translation>trong năm nay</translation>
        </message>
        <message>
            <source>ever</source>
            <translation>từ trước đến nay</translation>
        </message>
    </context>
    <context>
        <name>MemberPanel</name>
        <message>
            <source>Member</source>
            <translation>Hội viên</translation>
        </message>
        <message>
            <source>Progress to the next tier</source>
            <translation>Tiến độ lên hạng tiếp theo</translation>
        </message>
        <message>
            <source>Secure card</source>
            <translation>Thẻ bảo mật</translation>
        </message>
        <message>
            <source>Member no. {number}</source>
            <translation>Số hội viên {number}</translation>
        </message>
        <message>
            <source>{points} points</source>
            <translation>{points} điểm</translation>
        </message>
        <message>
            <source>worth {money}</source>
            <translation>trị giá {money}</translation>
        </message>
        <message>
            <source>{money} more spending to {tier}</source>
            <translation>Chi tiêu thêm {money} để lên hạng {tier}</translation>
        </message>
        <message>
            <source>Top tier</source>
            <translation>Hạng cao nhất</translation>
        </message>
        <message>
            <source>{points} points expire soon (usable until {date})</source>
            <translation>{points} điểm sắp hết hạn (dùng được đến hết ngày {date})</translation>
        </message>
        <message>
            <source>Can take: {reward} ({points} points)</source>
            <translation>Có thể đổi: {reward} ({points} điểm)</translation>
        </message>
        <message>
            <source>{points} more points for {reward}</source>
            <translation>Cần thêm {points} điểm để đổi {reward}</translation>
        </message>
    </context>
    <context>
        <name>OpRunner</name>
        <message>
            <source>Something went wrong ({name}). The details are in the till's log.</source>
            <translation>Đã có lỗi xảy ra ({name}). Chi tiết được ghi trong nhật ký của quầy.</translation>
        </message>
    </context>
    <context>
        <name>Readers</name>
        <message>
            <source>Refused: this secure card was copied or its tap was replayed. Ask for another card or look the customer up by phone.</source>
            <translation>Từ chối: thẻ bảo mật này đã bị sao chép hoặc lần chạm bị phát lại. Hãy xin thẻ khác hoặc tìm khách theo số điện thoại.</translation>
        </message>
        <message>
            <source>Refused: this card failed its security check (it may be fake). Look the customer up by phone.</source>
            <translation>Từ chối: thẻ này không qua được kiểm tra bảo mật (có thể là thẻ giả). Hãy tìm khách theo số điện thoại.</translation>
        </message>
        <message>
            <source>This secure card cannot be checked: the till has no keys for it. Look the customer up by phone.</source>
            <translation>Không kiểm tra được thẻ bảo mật này: quầy chưa có khóa cho thẻ. Hãy tìm khách theo số điện thoại.</translation>
        </message>
        <message>
            <source>This card's secure message could not be read. Tap it again.</source>
            <translation>Không đọc được thông điệp bảo mật của thẻ. Hãy chạm lại.</translation>
        </message>
        <message>
            <source>This card or phone carries no member identity. Look the customer up by name or phone.</source>
            <translation>Thẻ hoặc điện thoại này không mang thông tin hội viên. Hãy tìm khách theo tên hoặc số điện thoại.</translation>
        </message>
    </context>
    <context>
        <name>ReceiptDesk</name>
        <message>
            <source>No receipt yet: it appears after a sale.</source>
            <translation>Chưa có phiếu nào: phiếu xuất hiện sau khi bán hàng.</translation>
        </message>
        <message>
            <source>No receipt printer is set up: save the receipt as PDF.</source>
            <translation>Chưa cài đặt máy in phiếu: hãy lưu phiếu thành PDF.</translation>
        </message>
        <message>
            <source>Receipt {number} printed.</source>
            <translation>Đã in phiếu {number}.</translation>
        </message>
        <message>
            <source>The receipt printer does not answer: check that it is switched on and connected. The sale is recorded; press F8 to print the receipt again, or save it as PDF.</source>
            <translation>Máy in phiếu không phản hồi: hãy kiểm tra máy đã bật và đã kết nối. Giao dịch đã được ghi nhận; nhấn F8 để in lại phiếu, hoặc lưu phiếu thành PDF.</translation>
        </message>
        <message>
            <source>The receipt printer is out of paper. The sale is recorded; load paper and press F8 to print the receipt again.</source>
            <translation>Máy in phiếu hết giấy. Giao dịch đã được ghi nhận; hãy lắp giấy rồi nhấn F8 để in lại phiếu.</translation>
        </message>
        <message>
            <source>The receipt could not be printed. The sale is recorded; press F8 to try again, or save the receipt as PDF.</source>
            <translation>Không in được phiếu. Giao dịch đã được ghi nhận; nhấn F8 để thử lại, hoặc lưu phiếu thành PDF.</translation>
        </message>
        <message>
            <source>Receipt saved as PDF: {path}</source>
            <translation>Đã lưu phiếu thành PDF: {path}</translation>
        </message>
        <message>
            <source>The receipt could not be saved as PDF ({reason}). The sale is recorded.</source>
            <translation>Không lưu được phiếu thành PDF ({reason}). Giao dịch đã được ghi nhận.</translation>
        </message>
    </context>
    <context>
        <name>ReceiptDialog</name>
        <message>
            <source>Last receipt</source>
            <translation>Phiếu gần nhất</translation>
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation>Đóng (Esc)</translation>
        </message>
        <message>
            <source>Close the receipt</source>
            <translation>Đóng phiếu</translation>
        </message>
    </context>
    <context>
        <name>ReceiptSlip</name>
        <message>
            <source>Receipt</source>
            <translation>Phiếu</translation>
        </message>
        <message>
            <source>Print</source>
            <translation>In phiếu</translation>
        </message>
        <message>
            <source>Save PDF</source>
            <translation>Lưu PDF</translation>
        </message>
        <message>
            <source>Print the receipt</source>
            <translation>In phiếu</translation>
        </message>
        <message>
            <source>Save the receipt as PDF</source>
            <translation>Lưu phiếu thành PDF</translation>
        </message>
    </context>
    <context>
        <name>SalePanel</name>
        <message>
            <source>Hide lines (F5)</source>
            <translation>Ẩn các dòng (F5)</translation>
        </message>
        <message>
            <source>Lines by category or product (F5)</source>
            <translation>Dòng theo nhóm hàng hoặc sản phẩm (F5)</translation>
        </message>
        <message>
            <source>Lines by category or product</source>
            <translation>Dòng theo nhóm hàng hoặc sản phẩm</translation>
        </message>
        <message>
            <source>The lines add up to {lines}, more than the bill ({bill}): correct the bill total.</source>
            <translation>Các dòng cộng lại {lines}, nhiều hơn hóa đơn ({bill}): hãy sửa tổng hóa đơn.</translation>
        </message>
        <message>
            <source>Sale</source>
            <translation>Bán hàng</translation>
        </message>
        <message>
            <source>Bill &amp;total</source>
            <translation>&amp;Tổng hóa đơn</translation>
        </message>
        <message>
            <source>&amp;Receipt no.</source>
            <translation>Số &amp;hóa đơn</translation>
        </message>
        <message>
            <source>Pay with p&amp;oints</source>
            <translation>Trả bằng đ&amp;iểm</translation>
        </message>
        <message>
            <source>Re&amp;ward</source>
            <translation>&amp;Quà đổi điểm</translation>
        </message>
        <message>
            <source>e.g. 250.000</source>
            <translation>ví dụ 250.000</translation>
        </message>
        <message>
            <source>e.g. HD123</source>
            <translation>ví dụ HD123</translation>
        </message>
        <message>
            <source>0</source>
            <translation>0</translation>
        </message>
        <message>
            <source>Award points (Enter)</source>
            <translation>Tích điểm (Enter)</translation>
        </message>
        <message>
            <source>Bill total</source>
            <translation>Tổng hóa đơn</translation>
        </message>
        <message>
            <source>Receipt number</source>
            <translation>Số hóa đơn</translation>
        </message>
        <message>
            <source>Points to redeem</source>
            <translation>Số điểm muốn đổi</translation>
        </message>
        <message>
            <source>Reward</source>
            <translation>Quà đổi điểm</translation>
        </message>
        <message>
            <source>Award points</source>
            <translation>Tích điểm</translation>
        </message>
        <message>
            <source>No reward</source>
            <translation>Không đổi quà</translation>
        </message>
        <message>
            <source>{reward} ({points} points)</source>
            <translation>{reward} ({points} điểm)</translation>
        </message>
        <message>
            <source>Base points</source>
            <translation>Điểm cơ bản</translation>
        </message>
        <message>
            <source>Category {name}</source>
            <translation>Nhóm hàng {name}</translation>
        </message>
        <message>
            <source>Product {name}</source>
            <translation>Sản phẩm {name}</translation>
        </message>
        <message>
            <source>Tier {name}</source>
            <translation>Hạng {name}</translation>
        </message>
        <message>
            <source>Promotion {name}</source>
            <translation>Khuyến mãi {name}</translation>
        </message>
        <message>
            <source>Cap per sale</source>
            <translation>Giới hạn mỗi hóa đơn</translation>
        </message>
        <message>
            <source>Under the minimum spend</source>
            <translation>Dưới mức chi tiêu tối thiểu</translation>
        </message>
        <message>
            <source>Type the bill total to see the points.</source>
            <translation>Nhập tổng hóa đơn để xem số điểm.</translation>
        </message>
        <message>
            <source>Balance {points} points; points pay at most {percent}% of a bill.</source>
            <translation>Số dư {points} điểm; điểm trả tối đa {percent}% hóa đơn.</translation>
        </message>
        <message>
            <source>Earns {points} points</source>
            <translation>Được cộng {points} điểm</translation>
        </message>
        <message>
            <source>{rule}: {points}</source>
            <translation>{rule}: {points}</translation>
        </message>
        <message>
            <source>Nothing to redeem on this bill (the minimum is {minimum} points).</source>
            <translation>Không đổi được điểm cho hóa đơn này (tối thiểu {minimum} điểm).</translation>
        </message>
        <message>
            <source>Up to {points} points ({money})</source>
            <translation>Tối đa {points} điểm ({money})</translation>
        </message>
        <message>
            <source>Redeem at least {minimum} points.</source>
            <translation>Hãy đổi ít nhất {minimum} điểm.</translation>
        </message>
        <message>
            <source>The member has {balance} points: that is the most they can redeem.</source>
            <translation>Hội viên có {balance} điểm: đó là số điểm tối đa có thể đổi.</translation>
        </message>
        <message>
            <source>At most {points} points can pay this bill.</source>
            <translation>Hóa đơn này chỉ trả được tối đa {points} điểm.</translation>
        </message>
        <message>
            <source>Type the bill total.</source>
            <translation>Nhập tổng hóa đơn.</translation>
        </message>
        <message>
            <source>The bill total is not an amount: type it in đồng, e.g. 250.000.</source>
            <translation>Tổng hóa đơn không phải là số tiền: hãy nhập bằng đồng, ví dụ 250.000.</translation>
        </message>
        <message>
            <source>Type the receipt number.</source>
            <translation>Nhập số hóa đơn.</translation>
        </message>
        <message>
            <source>Points to redeem: type a whole number.</source>
            <translation>Số điểm muốn đổi: hãy nhập một số nguyên.</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Đang lưu…</translation>
        </message>
        <message>
            <source>+{earned} points earned, {redeemed} redeemed. New balance: {balance} points.</source>
            <translation>Cộng {earned} điểm, đổi {redeemed} điểm. Số dư mới: {balance} điểm.</translation>
        </message>
        <message>
            <source>+{earned} points earned. New balance: {balance} points.</source>
            <translation>Cộng {earned} điểm. Số dư mới: {balance} điểm.</translation>
        </message>
        <message>
            <source>Already recorded, nothing new was written.</source>
            <translation>Đã ghi nhận trước đó, không ghi thêm.</translation>
        </message>
        <message>
            <source>Redeeming {points} points needs a manager: this bill would use more than {limit} points.</source>
            <translation>Đổi {points} điểm cần quản lý duyệt: hóa đơn này sẽ dùng quá {limit} điểm.</translation>
        </message>
        <message>
            <source>Only a manager can {action}.</source>
            <translation>Chỉ quản lý mới được {action}.</translation>
        </message>
        <message>
            <source>Waiting for a manager to approve (Esc cancels).</source>
            <translation>Đang chờ quản lý duyệt (Esc để hủy).</translation>
        </message>
        <message>
            <source>Approved by {name}.</source>
            <translation>Đã được {name} duyệt.</translation>
        </message>
        <message>
            <source>Not approved: redeem fewer points, or ask a manager.</source>
            <translation>Chưa được duyệt: hãy đổi ít điểm hơn hoặc nhờ quản lý.</translation>
        </message>
    </context>
    <context>
        <name>SearchPanel</name>
        <message>
            <source>Tap, scan or search</source>
            <translation>Chạm thẻ, quét mã hoặc tìm kiếm</translation>
        </message>
        <message>
            <source>Name, phone, e-mail or member number</source>
            <translation>Tên, số điện thoại, e-mail hoặc số hội viên</translation>
        </message>
        <message>
            <source>Search members</source>
            <translation>Tìm hội viên</translation>
        </message>
        <message>
            <source>Members found</source>
            <translation>Hội viên tìm thấy</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Họ tên</translation>
        </message>
        <message>
            <source>Member number</source>
            <translation>Số hội viên</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Điện thoại</translation>
        </message>
        <message>
            <source>Accents are optional. Enter takes a single match; Down arrow moves to the list.</source>
            <translation>Không cần gõ dấu. Enter chọn khi chỉ có một kết quả; mũi tên xuống để vào danh sách.</translation>
        </message>
        <message>
            <source>No member found.</source>
            <translation>Không tìm thấy hội viên.</translation>
        </message>
        <message>
            <source>More members match: type more of the name or the phone number.</source>
            <translation>Còn nhiều hội viên khớp: hãy gõ thêm tên hoặc số điện thoại.</translation>
        </message>
        <message>
            <source>Several members match: choose one with the arrow keys.</source>
            <translation>Có nhiều hội viên khớp: dùng phím mũi tên để chọn.</translation>
        </message>
    </context>
    <context>
        <name>SignInScreen</name>
        <message>
            <source>Sign in</source>
            <translation>Đăng nhập</translation>
        </message>
        <message>
            <source>Staff &amp;code</source>
            <translation>&amp;Mã nhân viên</translation>
        </message>
        <message>
            <source>&amp;PIN</source>
            <translation>Mã &amp;PIN</translation>
        </message>
        <message>
            <source>Sign in (Enter)</source>
            <translation>Đăng nhập (Enter)</translation>
        </message>
        <message>
            <source>Staff code</source>
            <translation>Mã nhân viên</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>Mã PIN</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Thông báo</translation>
        </message>
        <message>
            <source>Type your staff code.</source>
            <translation>Nhập mã nhân viên của bạn.</translation>
        </message>
        <message>
            <source>Type your PIN.</source>
            <translation>Nhập mã PIN của bạn.</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Đang kiểm tra…</translation>
        </message>
    </context>
    <context>
        <name>TillStatusBar</name>
        <message>
            <source>Card readers</source>
            <translation>Đầu đọc thẻ</translation>
        </message>
        <message>
            <source>Sync with the central service</source>
            <translation>Đồng bộ với máy chủ trung tâm</translation>
        </message>
        <message>
            <source>Signed-in staff</source>
            <translation>Nhân viên đang đăng nhập</translation>
        </message>
        <message>
            <source>No card reader</source>
            <translation>Không có đầu đọc thẻ</translation>
        </message>
        <message>
            <source>{reader}: ready</source>
            <translation>{reader}: sẵn sàng</translation>
        </message>
        <message>
            <source>{reader}: lost</source>
            <translation>{reader}: mất kết nối</translation>
        </message>
        <message>
            <source>Sync off (not enrolled)</source>
            <translation>Không đồng bộ (chưa đăng ký với máy chủ)</translation>
        </message>
        <message>
            <source>Sync stopped</source>
            <translation>Đã dừng đồng bộ</translation>
        </message>
        <message>
            <source>Syncing {percent}%</source>
            <translation>Đang đồng bộ {percent}%</translation>
        </message>
        <message>
            <source>Syncing…</source>
            <translation>Đang đồng bộ…</translation>
        </message>
        <message>
            <source>Offline, {count} waiting</source>
            <translation>Ngoại tuyến, {count} đang chờ</translation>
        </message>
        <message>
            <source>Refused: {reason}</source>
            <translation>Bị từ chối: {reason}</translation>
        </message>
        <message>
            <source>Online, synced {time}</source>
            <translation>Trực tuyến, đã đồng bộ lúc {time}</translation>
        </message>
        <message>
            <source>Online, {count} waiting</source>
            <translation>Trực tuyến, {count} đang chờ</translation>
        </message>
        <message>
            <source>Connecting to the central service…</source>
            <translation>Đang kết nối với máy chủ trung tâm…</translation>
        </message>
        <message>
            <source>Nobody signed in</source>
            <translation>Chưa có ai đăng nhập</translation>
        </message>
        <message>
            <source>Signed in: {name}</source>
            <translation>Đăng nhập: {name}</translation>
        </message>
    </context>
    <context>
        <name>TillWindow</name>
        <message>
            <source>Loyalty Till — {store}</source>
            <translation>Loyalty Till — {store}</translation>
        </message>
        <message>
            <source>Cashier: {name}</source>
            <translation>Thu ngân: {name}</translation>
        </message>
        <message>
            <source>Switch language</source>
            <translation>Đổi ngôn ngữ</translation>
        </message>
        <message>
            <source>Lock (Ctrl+L)</source>
            <translation>Khóa (Ctrl+L)</translation>
        </message>
        <message>
            <source>Lock the till</source>
            <translation>Khóa quầy</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Thông báo</translation>
        </message>
        <message>
            <source>Signed in: {name}.</source>
            <translation>Đã đăng nhập: {name}.</translation>
        </message>
        <message>
            <source>The card could not be read ({reason}). Tap it again.</source>
            <translation>Không đọc được thẻ ({reason}). Hãy chạm lại.</translation>
        </message>
        <message>
            <source>Sign in first, then tap the card again.</source>
            <translation>Hãy đăng nhập trước, rồi chạm thẻ lại.</translation>
        </message>
        <message>
            <source>Close the till?</source>
            <translation>Đóng quầy?</translation>
        </message>
        <message>
            <source>{name} is signed in. Closing the till signs them out.</source>
            <translation>{name} đang đăng nhập. Đóng quầy sẽ đăng xuất người này.</translation>
        </message>
        <message>
            <source>Close the till</source>
            <translation>Đóng quầy</translation>
        </message>
        <message>
            <source>Keep serving</source>
            <translation>Tiếp tục bán</translation>
        </message>
        <message>
            <source>New member (F3)</source>
            <translation>Hội viên mới (F3)</translation>
        </message>
        <message>
            <source>Enrol a new member</source>
            <translation>Đăng ký hội viên mới</translation>
        </message>
        <message>
            <source>Welcome, {name}: member no. {number}. Welcome gift: +{points} points.</source>
            <translation>Chào mừng {name}: hội viên số {number}. Quà chào mừng: +{points} điểm.</translation>
        </message>
        <message>
            <source>Welcome, {name}: member no. {number}.</source>
            <translation>Chào mừng {name}: hội viên số {number}.</translation>
        </message>
        <message>
            <source>Card {digits} is now linked to {name}.</source>
            <translation>Thẻ {digits} đã được gắn cho {name}.</translation>
        </message>
        <message>
            <source>Return (F6)</source>
            <translation>Trả hàng (F6)</translation>
        </message>
        <message>
            <source>Return a sale</source>
            <translation>Trả hàng</translation>
        </message>
        <message>
            <source>Actions (F7)</source>
            <translation>Hoạt động (F7)</translation>
        </message>
        <message>
            <source>Actions without a purchase</source>
            <translation>Tích điểm không cần mua hàng</translation>
        </message>
        <message>
            <source>Show the member first (tap, scan or search), then press F7.</source>
            <translation>Hãy mở hội viên trước (chạm thẻ, quét mã hoặc tìm kiếm), rồi bấm F7.</translation>
        </message>
    </context>
    <context>
        <name>UnknownCardPanel</name>
        <message>
            <source>Card {digits} is not registered</source>
            <translation>Thẻ {digits} chưa được đăng ký</translation>
        </message>
        <message>
            <source>Enrol the customer with this card, or link it to a member who already has an account.</source>
            <translation>Đăng ký khách hàng với thẻ này, hoặc gắn thẻ cho một hội viên đã có tài khoản.</translation>
        </message>
        <message>
            <source>Enrol a new member with this card (F3)</source>
            <translation>Đăng ký hội viên mới với thẻ này (F3)</translation>
        </message>
        <message>
            <source>Enrol a new member with this card</source>
            <translation>Đăng ký hội viên mới với thẻ này</translation>
        </message>
        <message>
            <source>Or link it to a member: type a name, phone or member number</source>
            <translation>Hoặc gắn cho một hội viên: nhập họ tên, số điện thoại hoặc số hội viên</translation>
        </message>
        <message>
            <source>Link the card (Enter)</source>
            <translation>Gắn thẻ (Enter)</translation>
        </message>
        <message>
            <source>Link the card to this member</source>
            <translation>Gắn thẻ cho hội viên này</translation>
        </message>
        <message>
            <source>Back (Esc)</source>
            <translation>Quay lại (Esc)</translation>
        </message>
        <message>
            <source>Back to the search</source>
            <translation>Quay lại tìm kiếm</translation>
        </message>
        <message>
            <source>Link card {digits} to {name}, member no. {number}?</source>
            <translation>Gắn thẻ {digits} cho {name}, hội viên số {number}?</translation>
        </message>
    </context>
    <context>
        <name>ActionsPanel</name>
        <message>
            <source>Actions</source>
            <translation>Hoạt động</translation>
        </message>
        <message>
            <source>Actions without a purchase</source>
            <translation>Tích điểm không cần mua hàng</translation>
        </message>
        <message>
            <source>Press the action's number (or click it) to record it for this member.</source>
            <translation>Bấm số của hoạt động (hoặc nhấn vào nó) để ghi nhận cho hội viên này.</translation>
        </message>
        <message>
            <source>Re&amp;ference</source>
            <translation>&amp;Mã tham chiếu</translation>
        </message>
        <message>
            <source>optional</source>
            <translation>không bắt buộc</translation>
        </message>
        <message>
            <source>Reference of the action</source>
            <translation>Mã tham chiếu của hoạt động</translation>
        </message>
        <message>
            <source>A review or survey number, a bag label…: kept with the next action recorded. Enter goes back to the actions.</source>
            <translation>Số bài đánh giá, số phiếu khảo sát, nhãn túi…: lưu cùng hoạt động được ghi nhận tiếp theo. Enter để quay lại các hoạt động.</translation>
        </message>
        <message>
            <source>This program has no actions without a purchase.</source>
            <translation>Chương trình này không có hoạt động tích điểm không cần mua hàng.</translation>
        </message>
        <message>
            <source>Back (Esc)</source>
            <translation>Quay lại (Esc)</translation>
        </message>
        <message>
            <source>Back to the member</source>
            <translation>Quay lại hội viên</translation>
        </message>
        <message>
            <source>{action}: +{points} points. New balance: {balance} points.</source>
            <translation>{action}: +{points} điểm. Số dư mới: {balance} điểm.</translation>
        </message>
        <message>
            <source>Already recorded, nothing new was written. To record it again, press F7 again.</source>
            <translation>Đã ghi nhận trước đó, không ghi thêm. Muốn ghi nhận thêm lần nữa, hãy bấm F7 lại.</translation>
        </message>
        <message>
            <source>Now press the number of the action to record it with this reference.</source>
            <translation>Giờ hãy bấm số của hoạt động để ghi nhận kèm mã tham chiếu này.</translation>
        </message>
        <message>
            <source>No limit</source>
            <translation>Không giới hạn</translation>
        </message>
        <message>
            <source>{left} of {cap} left today</source>
            <translation>Còn {left}/{cap} lần hôm nay</translation>
        </message>
        <message>
            <source>{left} of {cap} left this week</source>
            <translation>Còn {left}/{cap} lần trong tuần này</translation>
        </message>
        <message>
            <source>{left} of {cap} left this month</source>
            <translation>Còn {left}/{cap} lần trong tháng này</translation>
        </message>
        <message>
            <source>{left} of {cap} left this year</source>
            <translation>Còn {left}/{cap} lần trong năm nay</translation>
        </message>
        <message>
            <source>{left} of {cap} left (for good)</source>
            <translation>Còn {left}/{cap} lần (tính mãi mãi)</translation>
        </message>
        <message>
            <source>Limit reached: {cap} today. Again from tomorrow.</source>
            <translation>Đã đủ giới hạn: {cap} lần hôm nay. Ngày mai được tiếp.</translation>
        </message>
        <message>
            <source>Limit reached: {cap} this week. Again from {date}.</source>
            <translation>Đã đủ giới hạn: {cap} lần tuần này. Được tiếp từ {date}.</translation>
        </message>
        <message>
            <source>Limit reached: {cap} this month. Again from {date}.</source>
            <translation>Đã đủ giới hạn: {cap} lần tháng này. Được tiếp từ {date}.</translation>
        </message>
        <message>
            <source>Limit reached: {cap} this year. Again from {date}.</source>
            <translation>Đã đủ giới hạn: {cap} lần năm nay. Được tiếp từ {date}.</translation>
        </message>
        <message>
            <source>Limit reached: {cap} per member, for good.</source>
            <translation>Đã đủ giới hạn: {cap} lần cho mỗi hội viên, không tính lại.</translation>
        </message>
        <message>
            <source>{name}: {points} points</source>
            <translation>{name}: {points} điểm</translation>
        </message>
        <message>
            <source>{key}{action}: +{points} points</source>
            <translation>{key}{action}: +{points} điểm</translation>
        </message>
        <message>
            <source>Record {action}</source>
            <translation>Ghi nhận {action}</translation>
        </message>
        <message>
            <source>Counting…</source>
            <translation>Đang đếm…</translation>
        </message>
        <message>
            <source>Limit of {action}</source>
            <translation>Giới hạn của {action}</translation>
        </message>
        <message>
            <source>Recorded just now. {limit}</source>
            <translation>Vừa ghi nhận. {limit}</translation>
        </message>
    </context>
    <context>
        <name>ReturnsPanel</name>
        <message>
            <source>Return</source>
            <translation>Trả hàng</translation>
        </message>
        <message>
            <source>&amp;Receipt no. of the sale</source>
            <translation>Số &amp;hóa đơn bán hàng</translation>
        </message>
        <message>
            <source>e.g. HD123</source>
            <translation>ví dụ HD123</translation>
        </message>
        <message>
            <source>Receipt number of the sale</source>
            <translation>Số hóa đơn bán hàng</translation>
        </message>
        <message>
            <source>Find (Enter)</source>
            <translation>Tìm (Enter)</translation>
        </message>
        <message>
            <source>Find the sale</source>
            <translation>Tìm hóa đơn bán hàng</translation>
        </message>
        <message>
            <source>The sale</source>
            <translation>Hóa đơn bán hàng</translation>
        </message>
        <message>
            <source>Member</source>
            <translation>Hội viên</translation>
        </message>
        <message>
            <source>Sold on</source>
            <translation>Ngày bán</translation>
        </message>
        <message>
            <source>Bill</source>
            <translation>Tổng hóa đơn</translation>
        </message>
        <message>
            <source>Points earned</source>
            <translation>Điểm đã tích</translation>
        </message>
        <message>
            <source>Paid with points</source>
            <translation>Đã trả bằng điểm</translation>
        </message>
        <message>
            <source>Already refunded</source>
            <translation>Đã hoàn</translation>
        </message>
        <message>
            <source>Left to refund</source>
            <translation>Còn được hoàn</translation>
        </message>
        <message>
            <source>Refunded &amp;amount</source>
            <translation>Số &amp;tiền hoàn</translation>
        </message>
        <message>
            <source>e.g. 120.000</source>
            <translation>ví dụ 120.000</translation>
        </message>
        <message>
            <source>Refunded amount</source>
            <translation>Số tiền hoàn</translation>
        </message>
        <message>
            <source>What the return does</source>
            <translation>Điểm sẽ thay đổi khi trả hàng</translation>
        </message>
        <message>
            <source>What the return did</source>
            <translation>Điểm đã thay đổi khi trả hàng</translation>
        </message>
        <message>
            <source>Confirm the return (Enter)</source>
            <translation>Xác nhận trả hàng (Enter)</translation>
        </message>
        <message>
            <source>Confirm the return</source>
            <translation>Xác nhận trả hàng</translation>
        </message>
        <message>
            <source>Back (Esc)</source>
            <translation>Quay lại (Esc)</translation>
        </message>
        <message>
            <source>Back to the counter</source>
            <translation>Quay lại quầy</translation>
        </message>
        <message>
            <source>Only a manager can process returns. Ask a manager to approve it.</source>
            <translation>Chỉ quản lý mới được xử lý trả hàng. Hãy nhờ quản lý duyệt.</translation>
        </message>
        <message>
            <source>Type or scan the receipt number of the sale.</source>
            <translation>Hãy nhập hoặc quét số hóa đơn bán hàng.</translation>
        </message>
        <message>
            <source>Receipt {receipt} is refunded in full: nothing is left to return.</source>
            <translation>Hóa đơn {receipt} đã được hoàn toàn bộ: không còn gì để trả.</translation>
        </message>
        <message>
            <source>No sale with receipt number {receipt} at this store. Check the number on the receipt.</source>
            <translation>Cửa hàng này không có lần bán nào mang số hóa đơn {receipt}. Hãy kiểm tra số trên hóa đơn.</translation>
        </message>
        <message>
            <source>Find the sale first: type its receipt number and press Enter.</source>
            <translation>Hãy tìm hóa đơn trước: nhập số hóa đơn rồi bấm Enter.</translation>
        </message>
        <message>
            <source>Type the refunded amount.</source>
            <translation>Hãy nhập số tiền hoàn.</translation>
        </message>
        <message>
            <source>The refunded amount is not an amount: type it in đồng, e.g. 120.000.</source>
            <translation>Số tiền hoàn không phải là số tiền: hãy nhập bằng đồng, ví dụ 120.000.</translation>
        </message>
        <message>
            <source>The refunded amount must be more than zero.</source>
            <translation>Số tiền hoàn phải lớn hơn 0.</translation>
        </message>
        <message>
            <source>At most {money} is left to refund on this receipt.</source>
            <translation>Chỉ còn tối đa {money} được hoàn trên hóa đơn này.</translation>
        </message>
        <message>
            <source>This return is recorded. Type the next receipt number, or press Esc.</source>
            <translation>Lần trả hàng này đã được ghi nhận. Hãy nhập số hóa đơn tiếp theo, hoặc bấm Esc.</translation>
        </message>
        <message>
            <source>Check what the return does, then press Enter again to confirm.</source>
            <translation>Hãy xem điểm sẽ thay đổi thế nào, rồi bấm Enter lần nữa để xác nhận.</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Đang lưu…</translation>
        </message>
        <message>
            <source>Return of {money} on receipt {receipt} recorded: {reversed} points taken back, {restored} given back. {name} now has {balance} points.</source>
            <translation>Đã ghi nhận trả hàng {money} trên hóa đơn {receipt}: trừ lại {reversed} điểm, hoàn lại {restored} điểm. {name} hiện có {balance} điểm.</translation>
        </message>
        <message>
            <source>Already recorded, nothing new was written.</source>
            <translation>Đã ghi nhận trước đó, không ghi thêm.</translation>
        </message>
        <message>
            <source>Looking for the sale…</source>
            <translation>Đang tìm hóa đơn…</translation>
        </message>
        <message>
            <source>Type or scan the receipt number of the sale, then press Enter.</source>
            <translation>Nhập hoặc quét số hóa đơn bán hàng, rồi bấm Enter.</translation>
        </message>
        <message>
            <source>{name} (no. {number}), {points} points now</source>
            <translation>{name} (số {number}), hiện có {points} điểm</translation>
        </message>
        <message>
            <source>{points} points</source>
            <translation>{points} điểm</translation>
        </message>
        <message>
            <source>{money} ({points} points taken back)</source>
            <translation>{money} (đã trừ lại {points} điểm)</translation>
        </message>
        <message>
            <source>At most {money}: what is left to refund on this receipt.</source>
            <translation>Tối đa {money}: phần còn được hoàn trên hóa đơn này.</translation>
        </message>
        <message>
            <source>Nothing is left to refund on this receipt.</source>
            <translation>Hóa đơn này không còn gì để hoàn.</translation>
        </message>
        <message>
            <source>Working out the points…</source>
            <translation>Đang tính điểm…</translation>
        </message>
        <message>
            <source>Points taken back: {points} (earned on the refunded part)</source>
            <translation>Trừ lại: {points} điểm (tích trên phần hoàn tiền)</translation>
        </message>
        <message>
            <source>Points given back: {points} (they paid for the refunded part)</source>
            <translation>Hoàn lại: {points} điểm (đã dùng trả cho phần hoàn tiền)</translation>
        </message>
        <message>
            <source>Overdraft: {points} points were already spent; the member owes them and their next purchases pay them off.</source>
            <translation>Nợ điểm: {points} điểm đã được tiêu; hội viên nợ số điểm này, các lần mua sau sẽ trừ dần.</translation>
        </message>
        <message>
            <source>Overdraft: {points} points were already spent; the points given back pay them off at once.</source>
            <translation>Nợ điểm: {points} điểm đã được tiêu; số điểm hoàn lại bù ngay.</translation>
        </message>
        <message>
            <source>No overdraft: the member still has the points taken back.</source>
            <translation>Không nợ điểm: hội viên vẫn còn đủ số điểm bị trừ.</translation>
        </message>
        <message>
            <source>Referral bonus taken back: {points} points (the purchase is refunded in full).</source>
            <translation>Trừ lại thưởng giới thiệu: {points} điểm (lần mua được hoàn toàn bộ).</translation>
        </message>
        <message>
            <source>The member who referred them loses their {points}-point bonus for it.</source>
            <translation>Người giới thiệu bị trừ {points} điểm thưởng giới thiệu của lần này.</translation>
        </message>
        <message>
            <source>New balance: {after} points</source>
            <translation>Số dư mới: {after} điểm</translation>
        </message>
        <message>
            <source>Balance: {before} → {after} points</source>
            <translation>Số dư: {before} → {after} điểm</translation>
        </message>
    </context>
    <context>
        <name>DeskPanel</name>
        <message>
            <source>Manager's desk</source>
            <translation>Bàn quản lý</translation>
        </message>
        <message>
            <source>Back to the counter (Esc)</source>
            <translation>Quay lại quầy (Esc)</translation>
        </message>
        <message>
            <source>Back to the counter</source>
            <translation>Quay lại quầy</translation>
        </message>
        <message>
            <source>Desk pages</source>
            <translation>Các trang quản lý</translation>
        </message>
    </context>
    <context>
        <name>SaleLines</name>
        <message>
            <source>Add the line</source>
            <translation>Thêm dòng này</translation>
        </message>
        <message>
            <source>Remove the chosen line</source>
            <translation>Xóa dòng đã chọn</translation>
        </message>
        <message>
            <source>Lines that earn differently (the rest of the bill earns as usual). Enter adds a line.</source>
            <translation>Các dòng hàng tích điểm riêng (phần còn lại của hóa đơn tích điểm như thường). Enter để thêm dòng.</translation>
        </message>
        <message>
            <source>Cate&amp;gory</source>
            <translation>&amp;Nhóm hàng</translation>
        </message>
        <message>
            <source>Product &amp;code</source>
            <translation>&amp;Mã sản phẩm</translation>
        </message>
        <message>
            <source>A&amp;mount</source>
            <translation>Số tiền dò&amp;ng</translation>
        </message>
        <message>
            <source>scan or type</source>
            <translation>quét hoặc gõ</translation>
        </message>
        <message>
            <source>e.g. 120.000</source>
            <translation>ví dụ 120.000</translation>
        </message>
        <message>
            <source>Add line</source>
            <translation>Thêm dòng</translation>
        </message>
        <message>
            <source>Remove the chosen line (Delete)</source>
            <translation>Xóa dòng đã chọn (Delete)</translation>
        </message>
        <message>
            <source>Line category</source>
            <translation>Nhóm hàng của dòng</translation>
        </message>
        <message>
            <source>Line product code</source>
            <translation>Mã sản phẩm của dòng</translation>
        </message>
        <message>
            <source>Line amount</source>
            <translation>Số tiền của dòng</translation>
        </message>
        <message>
            <source>Lines of the sale</source>
            <translation>Các dòng của hóa đơn</translation>
        </message>
        <message>
            <source>Category</source>
            <translation>Nhóm hàng</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>Sản phẩm</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>Số tiền</translation>
        </message>
        <message>
            <source>(no category)</source>
            <translation>(không chọn nhóm)</translation>
        </message>
        <message>
            <source>A sale has at most {n} lines.</source>
            <translation>Một hóa đơn có tối đa {n} dòng.</translation>
        </message>
        <message>
            <source>A product code has only letters, digits, - _ and .</source>
            <translation>Mã sản phẩm chỉ gồm chữ, số, - _ và .</translation>
        </message>
        <message>
            <source>Choose a category or type a product code for the line.</source>
            <translation>Chọn nhóm hàng hoặc gõ mã sản phẩm cho dòng.</translation>
        </message>
        <message>
            <source>The line's amount is not an amount: type it in đồng, e.g. 120.000.</source>
            <translation>Số tiền của dòng không hợp lệ: gõ theo đồng, ví dụ 120.000.</translation>
        </message>
    </context>
</TS>
