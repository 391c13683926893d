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
            <source>…or tap a manager card</source>
            <translation>…hoặc chạm thẻ quản lý</translation>
        </message>
        <message>
            <source>A manager may tap their card instead</source>
            <translation>Quản lý có thể chạm thẻ của mình thay cho mã</translation>
        </message>
        <message>
            <source>Checking the card…</source>
            <translation>Đang kiểm tra thẻ…</translation>
        </message>
    </context>
    <context>
        <name>CustomerDisplay</name>
        <message>
            <source>Return: {points} points taken back</source>
            <translation>Trả hàng: trừ {points} điểm</translation>
        </message>
        <message>
            <source>{points} points given back</source>
            <translation>hoàn lại {points} điểm</translation>
        </message>
        <message>
            <source>{action}: +{points} points</source>
            <translation>{action}: +{points} điểm</translation>
        </message>
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
            <source>The insights are not available right now: {why}</source>
            <translation>Số liệu phân tích hiện chưa có: {why}</translation>
        </message>
        <message>
            <source>the process that computes them did not answer</source>
            <translation>tiến trình tính toán không trả lời</translation>
        </message>
        <message>
            <source>the process that computes them could not</source>
            <translation>tiến trình tính toán không tính được</translation>
        </message>
        <message>
            <source>the process that computes them answered something else</source>
            <translation>tiến trình tính toán trả lời sai định dạng</translation>
        </message>
        <message>
            <source>a correction must give back at least one point</source>
            <translation>một lần chỉnh phải trả lại ít nhất một điểm</translation>
        </message>
        <message>
            <source>an expiry must take at least one point</source>
            <translation>một lần hết hạn phải trừ ít nhất một điểm</translation>
        </message>
        <message>
            <source>receipt</source>
            <translation>phiếu</translation>
        </message>
        <message>
            <source>Reversal</source>
            <translation>Việc đảo bút toán</translation>
        </message>
        <message>
            <source>ledger entry</source>
            <translation>bút toán</translation>
        </message>
        <message>
            <source>an expiry is not reversed: give the points back with an adjustment</source>
            <translation>không đảo bút toán hết hạn điểm: hãy trả lại điểm bằng một lần điều chỉnh</translation>
        </message>
        <message>
            <source>a reversal is not reversed again: adjust the points instead</source>
            <translation>không đảo lại một bút toán đảo: hãy điều chỉnh điểm</translation>
        </message>
        <message>
            <source>points moved by a merge are not reversed one entry at a time</source>
            <translation>điểm đã chuyển khi gộp thành viên không đảo từng bút toán được</translation>
        </message>
        <message>
            <source>nothing is left to reverse: it was reversed already</source>
            <translation>không còn gì để đảo: bút toán này đã được đảo rồi</translation>
        </message>
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
            <source>read the audit log</source>
            <translation>xem nhật ký kiểm tra</translation>
        </message>
        <message>
            <source>Time range</source>
            <translation>Khoảng thời gian</translation>
        </message>
        <message>
            <source>the end must come after the start</source>
            <translation>thời điểm kết thúc phải sau thời điểm bắt đầu</translation>
        </message>
        <message>
            <source>File</source>
            <translation>Tệp</translation>
        </message>
        <message>
            <source>choose a file name ending in .csv</source>
            <translation>hãy chọn tên tệp có đuôi .csv</translation>
        </message>
        <message>
            <source>it cannot be written there ({error})</source>
            <translation>không thể ghi vào đó ({error})</translation>
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
            <source>receipt {receipt} was used for {count} sales at other tills of this store (members {members}); make the return at the till that made the sale</source>
            <translation>số hóa đơn {receipt} đã được dùng cho {count} lần bán ở các quầy khác của cửa hàng (hội viên {members}); hãy làm trả hàng tại quầy đã bán</translation>
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
            <source>say why the card is unlinked (lost, left the store)</source>
            <translation>hãy ghi lý do gỡ thẻ (mất thẻ, đã nghỉ việc)</translation>
        </message>
        <message>
            <source>{name} is not a manager and cannot approve this. Ask a manager.</source>
            <translation>{name} không phải quản lý nên không thể duyệt. Hãy nhờ quản lý.</translation>
        </message>
        <message>
            <source>This card is not a staff card. The manager taps their own card or types their code and PIN.</source>
            <translation>Thẻ này không phải thẻ nhân viên. Quản lý hãy chạm thẻ của mình hoặc nhập mã nhân viên và mã PIN.</translation>
        </message>
        <message>
            <source>This is a member's card, not a manager's. The manager taps their own card or types their code and PIN.</source>
            <translation>Đây là thẻ hội viên, không phải thẻ quản lý. Quản lý hãy chạm thẻ của mình hoặc nhập mã nhân viên và mã PIN.</translation>
        </message>
        <message>
            <source>This staff card was unlinked on {date} and approves nothing. The manager types their code and PIN.</source>
            <translation>Thẻ nhân viên này đã bị gỡ ngày {date} và không duyệt được gì. Quản lý hãy nhập mã nhân viên và mã PIN.</translation>
        </message>
        <message>
            <source>This staff card belongs to {name}, who can no longer sign in.</source>
            <translation>Thẻ nhân viên này của {name}, người không còn được đăng nhập.</translation>
        </message>
        <message>
            <source>This secure staff card's tap could not be verified. Tap it again.</source>
            <translation>Không xác minh được lần chạm thẻ nhân viên bảo mật này. Hãy chạm lại.</translation>
        </message>
        <message>
            <source>This is a staff card: it does not identify a member. Tap the customer's card or look them up.</source>
            <translation>Đây là thẻ nhân viên: thẻ không cho biết hội viên nào. Hãy chạm thẻ của khách hoặc tìm khách.</translation>
        </message>
        <message>
            <source>This card is a staff card: it cannot be a member's card.</source>
            <translation>Thẻ này là thẻ nhân viên: không thể làm thẻ hội viên.</translation>
        </message>
        <message>
            <source>This card is already a member's card: it cannot be a staff card.</source>
            <translation>Thẻ này đã là thẻ hội viên: không thể làm thẻ nhân viên.</translation>
        </message>
        <message>
            <source>This card is already the staff card of {name}.</source>
            <translation>Thẻ này đã là thẻ nhân viên của {name}.</translation>
        </message>
        <message>
            <source>Only a contactless card can be a staff card: a printed or scanned code cannot.</source>
            <translation>Chỉ thẻ không tiếp xúc mới làm được thẻ nhân viên: mã in hoặc mã quét thì không.</translation>
        </message>
        <message>
            <source>No staff member has the code {code}.</source>
            <translation>Không có nhân viên nào mang mã {code}.</translation>
        </message>
        <message>
            <source>{name} has no such staff card linked.</source>
            <translation>{name} không có thẻ nhân viên này.</translation>
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
            <source>The {model} model cannot be fitted to this purchase history: {why}</source>
            <translation>Không thể khớp mô hình {model} với lịch sử mua hàng này: {why}</translation>
        </message>
        <message>
            <source>Gamma-Gamma spend</source>
            <translation>chi tiêu Gamma-Gamma</translation>
        </message>
        <message>
            <source>it has {customers:g} customers and needs at least {minimum}</source>
            <translation>mới có {customers:g} khách, cần ít nhất {minimum}</translation>
        </message>
        <message>
            <source>every customer bought for the first time at the end of observation</source>
            <translation>mọi khách đều mua lần đầu vào cuối giai đoạn quan sát</translation>
        </message>
        <message>
            <source>nobody has made a repeat purchase yet</source>
            <translation>chưa có ai mua lần thứ hai</translation>
        </message>
        <message>
            <source>{customers:g} customers came back with a purchase and it needs at least {minimum}</source>
            <translation>mới có {customers:g} khách quay lại mua, cần ít nhất {minimum}</translation>
        </message>
        <message>
            <source>the amounts vary so widely that the model has no mean spend (q ≤ 1)</source>
            <translation>số tiền chênh lệch quá nhiều nên mô hình không có mức chi tiêu trung bình (q ≤ 1)</translation>
        </message>
        <message>
            <source>the likelihood could not be evaluated at any sensible parameters</source>
            <translation>không tính được hàm hợp lý với bất kỳ bộ tham số hợp lý nào</translation>
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
        <message>
            <source>Overdraft</source>
            <translation>Nợ điểm</translation>
        </message>
        <message>
            <source>overdraft</source>
            <translation>khoản nợ điểm</translation>
        </message>
        <message>
            <source>Member</source>
            <translation>Hội viên</translation>
        </message>
        <message>
            <source>consent</source>
            <translation>đồng ý</translation>
        </message>
        <message>
            <source>this till syncs with the central service: write it off from the central's item, so every till learns it once</source>
            <translation>quầy này đồng bộ với máy chủ trung tâm: hãy xóa nợ từ việc của máy chủ trung tâm, để mọi quầy cùng biết một lần</translation>
        </message>
        <message>
            <source>the member owes an older overdraft (of {date}): write that one off first</source>
            <translation>hội viên còn một khoản nợ điểm cũ hơn (ngày {date}): hãy xóa khoản đó trước</translation>
        </message>
        <message>
            <source>say why: a reason is required to write off points</source>
            <translation>hãy ghi lý do: xóa nợ điểm bắt buộc phải có lý do</translation>
        </message>
        <message>
            <source>nothing is left to write off: the member's earnings paid it back</source>
            <translation>không còn gì để xóa: điểm tích được của hội viên đã trả hết nợ</translation>
        </message>
        <message>
            <source>a manager has decided on it already</source>
            <translation>quản lý đã quyết định việc này rồi</translation>
        </message>
        <message>
            <source>its personal data is erased</source>
            <translation>dữ liệu cá nhân đã bị xóa</translation>
        </message>
        <message>
            <source>say why: a reason is required to erase personal data</source>
            <translation>hãy ghi lý do: xóa dữ liệu cá nhân bắt buộc phải có lý do</translation>
        </message>
        <message>
            <source>it is not the number of the member shown: type it again</source>
            <translation>không phải số của hội viên đang hiện: hãy nhập lại</translation>
        </message>
        <message>
            <source>it was merged into member {number}: erase that member</source>
            <translation>hội viên này đã được gộp vào hội viên {number}: hãy xóa hội viên đó</translation>
        </message>
        <message>
            <source>version {version} is installed already with other rules: give these rules a new version</source>
            <translation>phiên bản {version} đã được cài với quy định khác: hãy đặt số phiên bản mới cho quy định này</translation>
        </message>
        <message>
            <source>export or erase a member's personal data</source>
            <translation>xuất hoặc xóa dữ liệu cá nhân của hội viên</translation>
        </message>
        <message>
            <source>{name} is the till's last active manager. Add or reactivate another manager first.</source>
            <translation>{name} là quản lý cuối cùng còn hoạt động của quầy. Hãy thêm hoặc kích hoạt lại một quản lý khác trước.</translation>
        </message>
        <message>
            <source>{name} is already deactivated.</source>
            <translation>{name} đã ngừng hoạt động rồi.</translation>
        </message>
        <message>
            <source>{name} is already active.</source>
            <translation>{name} đang hoạt động rồi.</translation>
        </message>
        <message>
            <source>{name} already has this role.</source>
            <translation>{name} đã có vai trò này rồi.</translation>
        </message>
        <message>
            <source>{name} is deactivated. Reactivate them first.</source>
            <translation>{name} đã ngừng hoạt động. Hãy kích hoạt lại trước.</translation>
        </message>
    </context>
    <context>
        <name>MemberPanel</name>
        <message>
            <source>{points} points are past their date (not in the balance)</source>
            <translation>{points} điểm đã quá hạn (không tính vào số dư)</translation>
        </message>
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
            <source>Receipt {number}</source>
            <translation>Phiếu {number}</translation>
        </message>
        <message>
            <source>Another receipt: slip no. or &amp;receipt no.</source>
            <translation>Phiếu khác: số phiếu hoặc số &amp;hóa đơn</translation>
        </message>
        <message>
            <source>e.g. 000042 or HD123</source>
            <translation>ví dụ 000042 hoặc HD123</translation>
        </message>
        <message>
            <source>Number of the receipt to find</source>
            <translation>Số của phiếu cần tìm</translation>
        </message>
        <message>
            <source>Find (Enter)</source>
            <translation>Tìm (Enter)</translation>
        </message>
        <message>
            <source>Find the receipt</source>
            <translation>Tìm phiếu</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Thông báo</translation>
        </message>
        <message>
            <source>Looking for the receipt…</source>
            <translation>Đang tìm phiếu…</translation>
        </message>
        <message>
            <source>Enter saves this receipt as PDF; type another number to find that receipt.</source>
            <translation>Enter: lưu phiếu này thành PDF. Gõ số khác để tìm phiếu đó.</translation>
        </message>
        <message>
            <source>Sent to the printer. Enter closes; type another number to find that receipt.</source>
            <translation>Đã gửi tới máy in. Enter: đóng. Gõ số khác để tìm phiếu đó.</translation>
        </message>
        <message>
            <source>Enter prints this receipt (marked COPY); type another number to find that one.</source>
            <translation>Enter: in phiếu này (ghi BẢN SAO). Gõ số khác để tìm phiếu đó.</translation>
        </message>
        <message>
            <source>Type the slip number printed on the receipt, or the bill's receipt number.</source>
            <translation>Gõ số phiếu in trên phiếu, hoặc số hóa đơn.</translation>
        </message>
        <message>
            <source>No receipt {number} at this till. Type the slip number printed on it (Slip no.) or the bill's receipt number.</source>
            <translation>Quầy này không có phiếu {number}. Gõ số phiếu in trên phiếu (Số phiếu) hoặc số hóa đơn.</translation>
        </message>
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
            <source>Lines (F5)</source>
            <translation>Dòng (F5)</translation>
        </message>
        <message>
            <source>Hide lines (F5)</source>
            <translation>Ẩn dòng (F5)</translation>
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
            <translation>VD: 250.000</translation>
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
            <source>Online, update needed to receive changes</source>
            <translation>Trực tuyến, cần cập nhật để nhận thay đổi</translation>
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
            <source>Manager: {name}</source>
            <translation>Quản lý: {name}</translation>
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
            <source>Staff card of {name}: type your PIN.</source>
            <translation>Thẻ nhân viên của {name}: hãy nhập mã PIN.</translation>
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
    <context>
        <name>DashboardPage</name>
        <message>
            <source>Dashboard</source>
            <translation>Số liệu</translation>
        </message>
        <message>
            <source>Cohort</source>
            <translation>Nhóm khách</translation>
        </message>
        <message>
            <source>Members</source>
            <translation>Hội viên</translation>
        </message>
        <message>
            <source>Month {n}</source>
            <translation>Tháng {n}</translation>
        </message>
        <message>
            <source>Segment</source>
            <translation>Phân khúc</translation>
        </message>
        <message>
            <source>Share</source>
            <translation>Tỷ lệ</translation>
        </message>
        <message>
            <source>Expires in</source>
            <translation>Hết hạn vào tháng</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>Điểm</translation>
        </message>
        <message>
            <source>Value ({currency})</source>
            <translation>Giá trị ({currency})</translation>
        </message>
        <message>
            <source>No expiry</source>
            <translation>Không hết hạn</translation>
        </message>
        <message>
            <source>Table saved as {path}</source>
            <translation>Đã lưu bảng thành {path}</translation>
        </message>
        <message>
            <source>Refresh now</source>
            <translation>Tính lại ngay</translation>
        </message>
        <message>
            <source>Compute the figures again now</source>
            <translation>Tính lại các số liệu ngay</translation>
        </message>
        <message>
            <source>Computing</source>
            <translation>Đang tính</translation>
        </message>
        <message>
            <source>Members who bought</source>
            <translation>Hội viên đã mua hàng</translation>
        </message>
        <message>
            <source>Active (bought in 90 days)</source>
            <translation>Còn hoạt động (mua trong 90 ngày)</translation>
        </message>
        <message>
            <source>North Star: repeat customers, 90 days</source>
            <translation>Sao Bắc Đẩu: khách quay lại, 90 ngày</translation>
        </message>
        <message>
            <source>Points liability</source>
            <translation>Điểm phải trả</translation>
        </message>
        <message>
            <source>Points owed by members</source>
            <translation>Điểm hội viên còn nợ</translation>
        </message>
        <message>
            <source>Redemption rate</source>
            <translation>Tỷ lệ đổi điểm</translation>
        </message>
        <message>
            <source>Enrolments, 30 days</source>
            <translation>Đăng ký mới, 30 ngày</translation>
        </message>
        <message>
            <source>Hints used / dismissed</source>
            <translation>Gợi ý đã dùng / bỏ qua</translation>
        </message>
        <message>
            <source>Cohorts by month of first purchase</source>
            <translation>Nhóm khách theo tháng mua lần đầu</translation>
        </message>
        <message>
            <source>Retention</source>
            <translation>Tỷ lệ quay lại</translation>
        </message>
        <message>
            <source>Repeat purchase</source>
            <translation>Mua lần hai</translation>
        </message>
        <message>
            <source>Cohort measure</source>
            <translation>Chỉ số của nhóm khách</translation>
        </message>
        <message>
            <source>Segments</source>
            <translation>Phân khúc</translation>
        </message>
        <message>
            <source>Points liability by month of expiry</source>
            <translation>Điểm phải trả theo tháng hết hạn</translation>
        </message>
        <message>
            <source>Export the cohort table as CSV</source>
            <translation>Xuất bảng nhóm khách ra CSV</translation>
        </message>
        <message>
            <source>Export the segment table as CSV</source>
            <translation>Xuất bảng phân khúc ra CSV</translation>
        </message>
        <message>
            <source>Export the expiry schedule as CSV</source>
            <translation>Xuất lịch hết hạn điểm ra CSV</translation>
        </message>
        <message>
            <source>Export CSV</source>
            <translation>Xuất CSV</translation>
        </message>
        <message>
            <source>* this month: the figure can still change.</source>
            <translation>* tháng này: số liệu còn có thể thay đổi.</translation>
        </message>
        <message>
            <source>North Star: repeat customers in the last 90 days, week by week</source>
            <translation>Sao Bắc Đẩu: khách quay lại trong 90 ngày qua, theo từng tuần</translation>
        </message>
        <message>
            <source>Enrolments per day, last 30 days</source>
            <translation>Đăng ký mới mỗi ngày, 30 ngày qua</translation>
        </message>
        <message>
            <source>Points issued, redeemed and expired, by month</source>
            <translation>Điểm đã cấp, đã đổi và hết hạn, theo tháng</translation>
        </message>
        <message>
            <source>Members by segment</source>
            <translation>Hội viên theo phân khúc</translation>
        </message>
        <message>
            <source>Cohorts: {measure}, by months since the first purchase</source>
            <translation>Nhóm khách: {measure}, theo số tháng kể từ lần mua đầu</translation>
        </message>
        <message>
            <source>Computing the figures…</source>
            <translation>Đang tính số liệu…</translation>
        </message>
        <message>
            <source>Figures as of {date}, computed at {time}.</source>
            <translation>Số liệu tính đến ngày {date}, tính lúc {time}.</translation>
        </message>
        <message>
            <source>The figures are computed when the dashboard is opened.</source>
            <translation>Số liệu được tính khi mở bảng số liệu.</translation>
        </message>
        <message>
            <source>{points} points</source>
            <translation>{points} điểm</translation>
        </message>
        <message>
            <source>Points liability: {points} points</source>
            <translation>Điểm phải trả: {points} điểm</translation>
        </message>
        <message>
            <source>Lifetime-value models fitted today on {buyers} members who bought.</source>
            <translation>Mô hình giá trị vòng đời đã được khớp hôm nay trên {buyers} hội viên đã mua hàng.</translation>
        </message>
        <message>
            <source>Not enough history for lifetime-value predictions yet: {reasons}</source>
            <translation>Chưa đủ lịch sử để dự báo giá trị vòng đời: {reasons}</translation>
        </message>
        <message>
            <source>Enrolments</source>
            <translation>Đăng ký mới</translation>
        </message>
        <message>
            <source>Issued</source>
            <translation>Đã cấp</translation>
        </message>
        <message>
            <source>Redeemed</source>
            <translation>Đã đổi</translation>
        </message>
        <message>
            <source>Expired</source>
            <translation>Hết hạn</translation>
        </message>
    </context>
    <context>
        <name>Hint</name>
        <message>
            <source>{points} points expire on {date}.</source>
            <translation>{points} điểm chỉ dùng được đến hết ngày {date}.</translation>
        </message>
        <message>
            <source>{points} points expire on {date} — {missing} points to {reward}.</source>
            <translation>{points} điểm chỉ dùng được đến hết ngày {date} — cần thêm {missing} điểm để đổi {reward}.</translation>
        </message>
        <message>
            <source>{points} points expire on {date} — enough for {reward} now.</source>
            <translation>{points} điểm chỉ dùng được đến hết ngày {date} — đủ để đổi {reward} ngay.</translation>
        </message>
        <message>
            <source>{points} points: enough for {reward} ({reward_points} points) now.</source>
            <translation>{points} điểm: đủ để đổi {reward} ({reward_points} điểm) ngay.</translation>
        </message>
        <message>
            <source>Welcome back: last visit {days} days ago, {visits} visits before.</source>
            <translation>Chào mừng khách quay lại: lần trước cách đây {days} ngày, trước đó đã ghé {visits} lần.</translation>
        </message>
        <message>
            <source>Welcome back: last visit {days} days ago; {percent}% likely to keep coming.</source>
            <translation>Chào mừng khách quay lại: lần trước cách đây {days} ngày; khả năng khách tiếp tục ghé là {percent}%.</translation>
        </message>
        <message>
            <source>{missing} points to {reward} ({reward_points} points).</source>
            <translation>Cần thêm {missing} điểm để đổi {reward} ({reward_points} điểm).</translation>
        </message>
        <message>
            <source>{amount} more spend reaches {tier}.</source>
            <translation>Chi tiêu thêm {amount} là lên hạng {tier}.</translation>
        </message>
        <message>
            <source>Birthday on {date}: wish them a happy birthday.</source>
            <translation>Sinh nhật ngày {date}: hãy chúc mừng sinh nhật khách.</translation>
        </message>
        <message>
            <source>A regular ({visits} visits): ask them to bring a friend — {points} points each.</source>
            <translation>Khách quen ({visits} lần ghé): mời khách giới thiệu bạn bè — {points} điểm cho mỗi người bạn.</translation>
        </message>
        <message>
            <source>No answer on personalised offers yet: ask whether they want them.</source>
            <translation>Khách chưa trả lời về ưu đãi cá nhân hóa: hãy hỏi khách có muốn nhận không.</translation>
        </message>
        <message>
            <source>Points expiring</source>
            <translation>Điểm sắp hết hạn</translation>
        </message>
        <message>
            <source>Reward ready</source>
            <translation>Đủ điểm đổi quà</translation>
        </message>
        <message>
            <source>Win back</source>
            <translation>Mời khách quay lại</translation>
        </message>
        <message>
            <source>Reward close</source>
            <translation>Sắp đủ điểm đổi quà</translation>
        </message>
        <message>
            <source>Next tier close</source>
            <translation>Sắp lên hạng</translation>
        </message>
        <message>
            <source>Birthday</source>
            <translation>Sinh nhật</translation>
        </message>
        <message>
            <source>Referral</source>
            <translation>Giới thiệu bạn bè</translation>
        </message>
        <message>
            <source>Ask for consent</source>
            <translation>Hỏi ý kiến đồng ý</translation>
        </message>
    </context>
    <context>
        <name>HintCard</name>
        <message>
            <source>Hint for this customer</source>
            <translation>Gợi ý cho khách này</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>Đã làm</translation>
        </message>
        <message>
            <source>Hint done: record that it was used</source>
            <translation>Đã làm theo gợi ý: ghi nhận là đã dùng</translation>
        </message>
        <message>
            <source>Dismiss</source>
            <translation>Bỏ qua</translation>
        </message>
        <message>
            <source>Dismiss the hint</source>
            <translation>Bỏ qua gợi ý</translation>
        </message>
    </context>
    <context>
        <name>MemberInsightPage</name>
        <message>
            <source>Insight</source>
            <translation>Phân tích</translation>
        </message>
        <message>
            <source>Member insight</source>
            <translation>Phân tích hội viên</translation>
        </message>
        <message>
            <source>Find a member for the insight</source>
            <translation>Tìm hội viên để xem phân tích</translation>
        </message>
        <message>
            <source>Historic value</source>
            <translation>Giá trị đã mang lại</translation>
        </message>
        <message>
            <source>Predicted value (next 90 days)</source>
            <translation>Giá trị dự báo (90 ngày tới)</translation>
        </message>
        <message>
            <source>RFM segment</source>
            <translation>Phân khúc RFM</translation>
        </message>
        <message>
            <source>Next best actions, best first</source>
            <translation>Việc nên làm tiếp, quan trọng nhất trước</translation>
        </message>
        <message>
            <source>Next best actions</source>
            <translation>Việc nên làm tiếp</translation>
        </message>
        <message>
            <source>Computing</source>
            <translation>Đang tính</translation>
        </message>
        <message>
            <source>Total spend</source>
            <translation>Tổng chi tiêu</translation>
        </message>
        <message>
            <source>Sales</source>
            <translation>Số hóa đơn</translation>
        </message>
        <message>
            <source>Visits (days with a purchase)</source>
            <translation>Số lần ghé (ngày có mua hàng)</translation>
        </message>
        <message>
            <source>Average basket</source>
            <translation>Trung bình mỗi hóa đơn</translation>
        </message>
        <message>
            <source>First visit</source>
            <translation>Lần ghé đầu tiên</translation>
        </message>
        <message>
            <source>Last visit</source>
            <translation>Lần ghé gần nhất</translation>
        </message>
        <message>
            <source>Member for</source>
            <translation>Là hội viên được</translation>
        </message>
        <message>
            <source>Points earned</source>
            <translation>Điểm đã tích</translation>
        </message>
        <message>
            <source>Points redeemed</source>
            <translation>Điểm đã đổi</translation>
        </message>
        <message>
            <source>Points expired</source>
            <translation>Điểm đã hết hạn</translation>
        </message>
        <message>
            <source>Redemption rate</source>
            <translation>Tỷ lệ đổi điểm</translation>
        </message>
        <message>
            <source>Still a customer (P(alive))</source>
            <translation>Khả năng còn là khách (P(alive))</translation>
        </message>
        <message>
            <source>Expected purchases</source>
            <translation>Số lần mua dự kiến</translation>
        </message>
        <message>
            <source>Expected spend per purchase</source>
            <translation>Chi tiêu dự kiến mỗi lần mua</translation>
        </message>
        <message>
            <source>Expected spend</source>
            <translation>Chi tiêu dự kiến</translation>
        </message>
        <message>
            <source>Lifetime value, next 12 months (discounted)</source>
            <translation>Giá trị vòng đời, 12 tháng tới (đã chiết khấu)</translation>
        </message>
        <message>
            <source>Member no. {number}</source>
            <translation>Số hội viên {number}</translation>
        </message>
        <message>
            <source>Computing the member's figures…</source>
            <translation>Đang tính số liệu của hội viên…</translation>
        </message>
        <message>
            <source>Open a member from the desk, or find one here: name, phone or member number.</source>
            <translation>Mở một hội viên từ bàn quản lý, hoặc tìm ở đây: họ tên, điện thoại hoặc số hội viên.</translation>
        </message>
        <message>
            <source>Figures as of {date}.</source>
            <translation>Số liệu tính đến ngày {date}.</translation>
        </message>
        <message>
            <source>{segment} — recency {r}, frequency {f}, monetary {m} (each 1 to 5, 5 best)</source>
            <translation>{segment} — gần đây {r}, tần suất {f}, chi tiêu {m} (mỗi chỉ số từ 1 đến 5, 5 là tốt nhất)</translation>
        </message>
        <message>
            <source>No segment before a first purchase.</source>
            <translation>Chưa có phân khúc trước lần mua đầu tiên.</translation>
        </message>
        <message>
            <source>{days} days</source>
            <translation>{days} ngày</translation>
        </message>
        <message>
            <source>Not enough history: no purchase yet, so nothing to predict from.</source>
            <translation>Chưa đủ lịch sử: hội viên chưa mua lần nào nên chưa có gì để dự báo.</translation>
        </message>
        <message>
            <source>Not enough history: the store's purchases cannot be modelled yet, so there is no prediction.</source>
            <translation>Chưa đủ lịch sử: chưa thể lập mô hình từ các lần mua của cửa hàng nên chưa có dự báo.</translation>
        </message>
        <message>
            <source>Not enough history: {visits} visit(s), the first {days} days ago; a prediction needs at least {min_visits} visits, the first at least {min_days} days ago.</source>
            <translation>Chưa đủ lịch sử: {visits} lần ghé, lần đầu cách đây {days} ngày; để dự báo cần ít nhất {min_visits} lần ghé, lần đầu cách đây ít nhất {min_days} ngày.</translation>
        </message>
        <message>
            <source>#</source>
            <translation>#</translation>
        </message>
        <message>
            <source>Hint</source>
            <translation>Gợi ý</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Loại</translation>
        </message>
        <message>
            <source>Personalised</source>
            <translation>Cá nhân hóa</translation>
        </message>
        <message>
            <source>Service</source>
            <translation>Dịch vụ</translation>
        </message>
        <message>
            <source>No hint for this member today.</source>
            <translation>Hôm nay không có gợi ý cho hội viên này.</translation>
        </message>
    </context>
    <context>
        <name>Segment</name>
        <message>
            <source>Champions</source>
            <translation>Khách hàng tốt nhất</translation>
        </message>
        <message>
            <source>Loyal</source>
            <translation>Trung thành</translation>
        </message>
        <message>
            <source>Potential loyalist</source>
            <translation>Có thể trung thành</translation>
        </message>
        <message>
            <source>New</source>
            <translation>Khách mới</translation>
        </message>
        <message>
            <source>Promising</source>
            <translation>Triển vọng</translation>
        </message>
        <message>
            <source>Need attention</source>
            <translation>Cần quan tâm</translation>
        </message>
        <message>
            <source>About to sleep</source>
            <translation>Sắp ngủ đông</translation>
        </message>
        <message>
            <source>At risk</source>
            <translation>Có nguy cơ rời bỏ</translation>
        </message>
        <message>
            <source>Can't lose them</source>
            <translation>Không thể để mất</translation>
        </message>
        <message>
            <source>Hibernating</source>
            <translation>Ngủ đông</translation>
        </message>
        <message>
            <source>Lost</source>
            <translation>Đã rời bỏ</translation>
        </message>
    </context>
    <context>
        <name>ProgramPage</name>
        <message>
            <source>Program</source>
            <translation>Chương trình</translation>
        </message>
        <message>
            <source>&amp;Versions on this till</source>
            <translation>Các &amp;phiên bản trên quầy này</translation>
        </message>
        <message>
            <source>Version</source>
            <translation>Phiên bản</translation>
        </message>
        <message>
            <source>Installed</source>
            <translation>Cài đặt lúc</translation>
        </message>
        <message>
            <source>By</source>
            <translation>Người cài</translation>
        </message>
        <message>
            <source>Program versions</source>
            <translation>Các phiên bản chương trình</translation>
        </message>
        <message>
            <source>&amp;Compare with</source>
            <translation>&amp;So sánh với</translation>
        </message>
        <message>
            <source>Version to compare with</source>
            <translation>Phiên bản để so sánh</translation>
        </message>
        <message>
            <source>New version from a &amp;file (TOML or JSON)</source>
            <translation>Phiên bản mới từ &amp;tệp (TOML hoặc JSON)</translation>
        </message>
        <message>
            <source>Path of the program file</source>
            <translation>Đường dẫn tệp chương trình</translation>
        </message>
        <message>
            <source>Choose a file…</source>
            <translation>Chọn tệp…</translation>
        </message>
        <message>
            <source>Choose a program file</source>
            <translation>Chọn tệp chương trình</translation>
        </message>
        <message>
            <source>Check the file (Enter)</source>
            <translation>Kiểm tra tệp (Enter)</translation>
        </message>
        <message>
            <source>Check the program file</source>
            <translation>Kiểm tra tệp chương trình</translation>
        </message>
        <message>
            <source>The program in plain words</source>
            <translation>Chương trình bằng lời dễ hiểu</translation>
        </message>
        <message>
            <source>&amp;Mistakes in the file</source>
            <translation>&amp;Lỗi trong tệp</translation>
        </message>
        <message>
            <source>Mistakes in the file, line by line</source>
            <translation>Lỗi trong tệp, theo từng dòng</translation>
        </message>
        <message>
            <source>The file's text</source>
            <translation>Nội dung tệp</translation>
        </message>
        <message>
            <source>What installing the file changes</source>
            <translation>Những gì thay đổi khi cài tệp</translation>
        </message>
        <message>
            <source>Back to the rules</source>
            <translation>Quay lại quy định</translation>
        </message>
        <message>
            <source>Install this version</source>
            <translation>Cài phiên bản này</translation>
        </message>
        <message>
            <source>— nothing: show the rules</source>
            <translation>— không: hiện quy định</translation>
        </message>
        <message>
            <source>version {version}</source>
            <translation>phiên bản {version}</translation>
        </message>
        <message>
            <source>Reading the program…</source>
            <translation>Đang đọc chương trình…</translation>
        </message>
        <message>
            <source>{name}, version {version} (active)</source>
            <translation>{name}, phiên bản {version} (đang dùng)</translation>
        </message>
        <message>
            <source>{name}, version {version}</source>
            <translation>{name}, phiên bản {version}</translation>
        </message>
        <message>
            <source>What changed from version {old} to version {new}</source>
            <translation>Thay đổi từ phiên bản {old} sang phiên bản {new}</translation>
        </message>
        <message>
            <source>The two versions have the same rules.</source>
            <translation>Hai phiên bản có cùng quy định.</translation>
        </message>
        <message>
            <source>The program</source>
            <translation>Chương trình</translation>
        </message>
        <message>
            <source>Earning points</source>
            <translation>Tích điểm</translation>
        </message>
        <message>
            <source>Tiers</source>
            <translation>Hạng hội viên</translation>
        </message>
        <message>
            <source>Promotions</source>
            <translation>Khuyến mãi</translation>
        </message>
        <message>
            <source>Paying with points</source>
            <translation>Dùng điểm thanh toán</translation>
        </message>
        <message>
            <source>Rewards</source>
            <translation>Quà đổi điểm</translation>
        </message>
        <message>
            <source>Expiry</source>
            <translation>Hạn dùng điểm</translation>
        </message>
        <message>
            <source>Actions without a purchase</source>
            <translation>Tích điểm ngoài mua hàng</translation>
        </message>
        <message>
            <source>Bonuses</source>
            <translation>Điểm thưởng</translation>
        </message>
        <message>
            <source>Program files (*.toml *.json)</source>
            <translation>Tệp chương trình (*.toml *.json)</translation>
        </message>
        <message>
            <source>All files (*)</source>
            <translation>Mọi tệp (*)</translation>
        </message>
        <message>
            <source>Type the path of the program file, or choose it.</source>
            <translation>Hãy nhập đường dẫn tệp chương trình, hoặc chọn tệp.</translation>
        </message>
        <message>
            <source>The file is checked first: mistakes are shown on their lines, and nothing is installed.</source>
            <translation>Tệp được kiểm tra trước: lỗi hiện ngay tại dòng của nó, và chưa có gì được cài.</translation>
        </message>
        <message>
            <source>Only a manager can install a program; anyone can check a file.</source>
            <translation>Chỉ quản lý mới được cài chương trình; ai cũng có thể kiểm tra tệp.</translation>
        </message>
        <message>
            <source>Checking the file…</source>
            <translation>Đang kiểm tra tệp…</translation>
        </message>
        <message>
            <source>Install</source>
            <translation>Cài đặt</translation>
        </message>
        <message>
            <source>This file cannot be installed: {count} mistake(s). Fix them in the file, then check it again.</source>
            <translation>Không thể cài tệp này: có {count} lỗi. Hãy sửa trong tệp rồi kiểm tra lại.</translation>
        </message>
        <message>
            <source>Version {version} is installed and active already: nothing to do.</source>
            <translation>Phiên bản {version} đã được cài và đang dùng: không cần làm gì.</translation>
        </message>
        <message>
            <source>Version {version} is on this till already; installing makes it active again.</source>
            <translation>Phiên bản {version} đã có trên quầy; cài đặt sẽ dùng lại phiên bản này.</translation>
        </message>
        <message>
            <source>The file is correct: {name}, version {version}. Check what it changes, then install it.</source>
            <translation>Tệp hợp lệ: {name}, phiên bản {version}. Hãy xem những thay đổi rồi cài đặt.</translation>
        </message>
        <message>
            <source>What changes from the active version {old}</source>
            <translation>Thay đổi so với phiên bản đang dùng {old}</translation>
        </message>
        <message>
            <source>Install version {version} and make it active</source>
            <translation>Cài phiên bản {version} và dùng ngay</translation>
        </message>
        <message>
            <source>Line {line}: {problem}</source>
            <translation>Dòng {line}: {problem}</translation>
        </message>
        <message>
            <source>Version {version} is installed and active: the next sale follows its rules.</source>
            <translation>Phiên bản {version} đã được cài và đang dùng: lần bán tiếp theo áp dụng quy định này.</translation>
        </message>
        <message>
            <source>the till's set-up</source>
            <translation>cài đặt ban đầu của quầy</translation>
        </message>
        <message>
            <source>this setting is required</source>
            <translation>thiếu mục cài đặt bắt buộc này</translation>
        </message>
        <message>
            <source>this setting is not known: check its spelling</source>
            <translation>mục cài đặt này không tồn tại: hãy kiểm tra chính tả</translation>
        </message>
        <message>
            <source>must be more than {gt}</source>
            <translation>phải lớn hơn {gt}</translation>
        </message>
        <message>
            <source>must be {ge} or more</source>
            <translation>phải từ {ge} trở lên</translation>
        </message>
        <message>
            <source>must be less than {lt}</source>
            <translation>phải nhỏ hơn {lt}</translation>
        </message>
        <message>
            <source>must be {le} or less</source>
            <translation>phải từ {le} trở xuống</translation>
        </message>
        <message>
            <source>must be one of {expected}</source>
            <translation>phải là một trong các giá trị {expected}</translation>
        </message>
        <message>
            <source>must be a whole number</source>
            <translation>phải là số nguyên</translation>
        </message>
        <message>
            <source>must be text in quotes</source>
            <translation>phải là chữ đặt trong dấu ngoặc kép</translation>
        </message>
        <message>
            <source>must not be empty</source>
            <translation>không được để trống</translation>
        </message>
        <message>
            <source>is too long: at most {max_length} characters</source>
            <translation>quá dài: tối đa {max_length} ký tự</translation>
        </message>
        <message>
            <source>may hold only letters, digits and _ . -</source>
            <translation>chỉ được gồm chữ cái, chữ số và _ . -</translation>
        </message>
        <message>
            <source>must be true or false</source>
            <translation>phải là true hoặc false</translation>
        </message>
        <message>
            <source>must be a number written as text, such as "1.5"</source>
            <translation>phải là số viết dạng chữ, ví dụ "1.5"</translation>
        </message>
        <message>
            <source>must be a list in square brackets</source>
            <translation>phải là danh sách trong dấu ngoặc vuông</translation>
        </message>
        <message>
            <source>must be a table of settings</source>
            <translation>phải là một bảng cài đặt</translation>
        </message>
        <message>
            <source>must be a time such as "14:00"</source>
            <translation>phải là giờ, ví dụ "14:00"</translation>
        </message>
        <message>
            <source>must be a day such as 2026-03-01</source>
            <translation>phải là ngày, ví dụ 2026-03-01</translation>
        </message>
    </context>
    <context>
        <name>ProgramText</name>
        <message>
            <source>{name}, version {version}: amounts in {currency}, times in {timezone}.</source>
            <translation>{name}, phiên bản {version}: số tiền tính bằng {currency}, giờ theo múi {timezone}.</translation>
        </message>
        <message>
            <source>Points: {points} per {step} spent; a sale's points are rounded down.</source>
            <translation>Tích điểm: {points} điểm cho mỗi {step} chi tiêu; điểm của một lần mua được làm tròn xuống.</translation>
        </message>
        <message>
            <source>Points: {points} per {step} spent; a sale's points are rounded to the nearest.</source>
            <translation>Tích điểm: {points} điểm cho mỗi {step} chi tiêu; điểm của một lần mua được làm tròn đến số gần nhất.</translation>
        </message>
        <message>
            <source>Points: {points} per {step} spent; a sale's points are rounded up.</source>
            <translation>Tích điểm: {points} điểm cho mỗi {step} chi tiêu; điểm của một lần mua được làm tròn lên.</translation>
        </message>
        <message>
            <source>Example: a bill of {amount} earns {points} points.</source>
            <translation>Ví dụ: hóa đơn {amount} được {points} điểm.</translation>
        </message>
        <message>
            <source>Bills under {amount} earn nothing.</source>
            <translation>Hóa đơn dưới {amount} không được tích điểm.</translation>
        </message>
        <message>
            <source>Example: a bill of {amount} earns nothing.</source>
            <translation>Ví dụ: hóa đơn {amount} không được điểm nào.</translation>
        </message>
        <message>
            <source>Category {category}: points ×{multiplier}.</source>
            <translation>Ngành hàng {category}: điểm ×{multiplier}.</translation>
        </message>
        <message>
            <source>Example: {amount} of {category} earns {points} points instead of {base}.</source>
            <translation>Ví dụ: mua {amount} hàng {category} được {points} điểm thay vì {base}.</translation>
        </message>
        <message>
            <source>Product {sku}: points ×{multiplier}.</source>
            <translation>Sản phẩm {sku}: điểm ×{multiplier}.</translation>
        </message>
        <message>
            <source>These categories earn nothing: {categories}.</source>
            <translation>Các ngành hàng không được tích điểm: {categories}.</translation>
        </message>
        <message>
            <source>At most {points} points per sale.</source>
            <translation>Tối đa {points} điểm cho mỗi lần mua.</translation>
        </message>
        <message>
            <source>This program has no tiers.</source>
            <translation>Chương trình này không có hạng hội viên.</translation>
        </message>
        <message>
            <source>Tiers go by the spend of the last {months} months; a tier is reviewed every {review} months.</source>
            <translation>Hạng xét theo chi tiêu trong {months} tháng gần nhất; hạng được xét lại mỗi {review} tháng.</translation>
        </message>
        <message>
            <source>{name} ({code}): where everyone starts; points ×{multiplier}.</source>
            <translation>{name} ({code}): hạng khởi đầu của mọi hội viên; điểm ×{multiplier}.</translation>
        </message>
        <message>
            <source>{name} ({code}): from {spend} spent; points ×{multiplier}.</source>
            <translation>{name} ({code}): từ {spend} chi tiêu; điểm ×{multiplier}.</translation>
        </message>
        <message>
            <source>Example: at this tier, a bill of {amount} earns {points} points.</source>
            <translation>Ví dụ: ở hạng này, hóa đơn {amount} được {points} điểm.</translation>
        </message>
        <message>
            <source>No promotions.</source>
            <translation>Không có khuyến mãi.</translation>
        </message>
        <message>
            <source>{name} ({code}): points ×{multiplier}.</source>
            <translation>{name} ({code}): điểm ×{multiplier}.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} bonus points per sale.</source>
            <translation>{name} ({code}): thưởng {points} điểm mỗi lần mua.</translation>
        </message>
        <message>
            <source>On {days}.</source>
            <translation>Vào {days}.</translation>
        </message>
        <message>
            <source>From {start} to {end}.</source>
            <translation>Từ {start} đến {end}.</translation>
        </message>
        <message>
            <source>From {day}.</source>
            <translation>Từ ngày {day}.</translation>
        </message>
        <message>
            <source>Until {day}.</source>
            <translation>Đến hết ngày {day}.</translation>
        </message>
        <message>
            <source>Only for {categories}.</source>
            <translation>Chỉ áp dụng cho {categories}.</translation>
        </message>
        <message>
            <source>Only for bills of {amount} or more.</source>
            <translation>Chỉ áp dụng cho hóa đơn từ {amount} trở lên.</translation>
        </message>
        <message>
            <source>Each point pays {value}.</source>
            <translation>Mỗi điểm trả được {value}.</translation>
        </message>
        <message>
            <source>At least {points} points at a time.</source>
            <translation>Mỗi lần dùng ít nhất {points} điểm.</translation>
        </message>
        <message>
            <source>Points pay at most {percent}% of a bill.</source>
            <translation>Điểm trả được tối đa {percent}% hóa đơn.</translation>
        </message>
        <message>
            <source>Example: on a bill of {amount}, up to {points} points ({value}) can pay.</source>
            <translation>Ví dụ: với hóa đơn {amount}, dùng được tối đa {points} điểm ({value}).</translation>
        </message>
        <message>
            <source>While the till is offline, a member may spend up to {points} points.</source>
            <translation>Khi quầy mất kết nối, mỗi hội viên được dùng tối đa {points} điểm.</translation>
        </message>
        <message>
            <source>Spending more than {points} points at once needs a manager's approval.</source>
            <translation>Dùng quá {points} điểm một lần cần quản lý duyệt.</translation>
        </message>
        <message>
            <source>A return gives back the points that paid for the refunded part; they keep their expiry date but last at least {days} days.</source>
            <translation>Khi trả hàng, điểm đã dùng cho phần được hoàn sẽ được trả lại; điểm giữ hạn dùng cũ nhưng còn ít nhất {days} ngày.</translation>
        </message>
        <message>
            <source>A return gives back the points that paid for the refunded part, with a full new expiry period.</source>
            <translation>Khi trả hàng, điểm đã dùng cho phần được hoàn sẽ được trả lại, với hạn dùng mới trọn vẹn.</translation>
        </message>
        <message>
            <source>A return does not give back the points that paid for the refunded part.</source>
            <translation>Khi trả hàng, điểm đã dùng cho phần được hoàn không được trả lại.</translation>
        </message>
        <message>
            <source>No rewards.</source>
            <translation>Không có quà đổi điểm.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points for {amount} off the bill.</source>
            <translation>{name} ({code}): {points} điểm để được giảm {amount} trên hóa đơn.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points for {percent}% off the bill.</source>
            <translation>{name} ({code}): {points} điểm để được giảm {percent}% hóa đơn.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points for {percent}% off the bill, at most {amount}.</source>
            <translation>{name} ({code}): {points} điểm để được giảm {percent}% hóa đơn, tối đa {amount}.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points for a free item ({sku}).</source>
            <translation>{name} ({code}): {points} điểm để nhận một món miễn phí ({sku}).</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points for a free item ({sku}, worth {amount}).</source>
            <translation>{name} ({code}): {points} điểm để nhận một món miễn phí ({sku}, trị giá {amount}).</translation>
        </message>
        <message>
            <source>Points never expire.</source>
            <translation>Điểm không bao giờ hết hạn.</translation>
        </message>
        <message>
            <source>Points expire {months} months after they are earned.</source>
            <translation>Điểm hết hạn {months} tháng sau khi được tích.</translation>
        </message>
        <message>
            <source>Points expire at the end of the month, {months} months after they are earned.</source>
            <translation>Điểm hết hạn vào cuối tháng, {months} tháng sau khi được tích.</translation>
        </message>
        <message>
            <source>Example: points earned on {earned} expire on {expires}.</source>
            <translation>Ví dụ: điểm tích ngày {earned} hết hạn ngày {expires}.</translation>
        </message>
        <message>
            <source>No actions without a purchase.</source>
            <translation>Không có hoạt động tích điểm ngoài mua hàng.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points each time, no limit.</source>
            <translation>{name} ({code}): {points} điểm mỗi lần, không giới hạn.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points each time, up to {cap} a day.</source>
            <translation>{name} ({code}): {points} điểm mỗi lần, tối đa {cap} lần mỗi ngày.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points each time, up to {cap} a week.</source>
            <translation>{name} ({code}): {points} điểm mỗi lần, tối đa {cap} lần mỗi tuần.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points each time, up to {cap} a month.</source>
            <translation>{name} ({code}): {points} điểm mỗi lần, tối đa {cap} lần mỗi tháng.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points each time, up to {cap} a year.</source>
            <translation>{name} ({code}): {points} điểm mỗi lần, tối đa {cap} lần mỗi năm.</translation>
        </message>
        <message>
            <source>{name} ({code}): {points} points each time, up to {cap} in all.</source>
            <translation>{name} ({code}): {points} điểm mỗi lần, tối đa {cap} lần tất cả.</translation>
        </message>
        <message>
            <source>Welcome bonus: {points} points at enrolment.</source>
            <translation>Thưởng chào mừng: {points} điểm khi đăng ký.</translation>
        </message>
        <message>
            <source>No welcome bonus.</source>
            <translation>Không có thưởng chào mừng.</translation>
        </message>
        <message>
            <source>Referral: {referrer} points to the member who referred and {referee} points to the new member, after the new member's first purchase.</source>
            <translation>Giới thiệu: người giới thiệu được {referrer} điểm và hội viên mới được {referee} điểm, sau lần mua đầu tiên của hội viên mới.</translation>
        </message>
        <message>
            <source>No referral bonus.</source>
            <translation>Không có thưởng giới thiệu.</translation>
        </message>
        <message>
            <source>{where}: {old} → {new}</source>
            <translation>{where}: {old} → {new}</translation>
        </message>
        <message>
            <source>Added: {where}</source>
            <translation>Thêm: {where}</translation>
        </message>
        <message>
            <source>Added: {where}: {new}</source>
            <translation>Thêm: {where}: {new}</translation>
        </message>
        <message>
            <source>Removed: {where}</source>
            <translation>Bỏ: {where}</translation>
        </message>
        <message>
            <source>Removed: {where} (was {old})</source>
            <translation>Bỏ: {where} (trước là {old})</translation>
        </message>
        <message>
            <source>{where}: new order {new} (was {old})</source>
            <translation>{where}: thứ tự mới {new} (trước là {old})</translation>
        </message>
        <message>
            <source>Program name</source>
            <translation>Tên chương trình</translation>
        </message>
        <message>
            <source>Version</source>
            <translation>Phiên bản</translation>
        </message>
        <message>
            <source>Currency</source>
            <translation>Tiền tệ</translation>
        </message>
        <message>
            <source>Time zone</source>
            <translation>Múi giờ</translation>
        </message>
        <message>
            <source>File format</source>
            <translation>Định dạng tệp</translation>
        </message>
        <message>
            <source>Earning</source>
            <translation>Tích điểm</translation>
        </message>
        <message>
            <source>Tiers</source>
            <translation>Hạng hội viên</translation>
        </message>
        <message>
            <source>Promotions</source>
            <translation>Khuyến mãi</translation>
        </message>
        <message>
            <source>Paying with points</source>
            <translation>Dùng điểm thanh toán</translation>
        </message>
        <message>
            <source>Rewards</source>
            <translation>Quà đổi điểm</translation>
        </message>
        <message>
            <source>Expiry</source>
            <translation>Hạn dùng điểm</translation>
        </message>
        <message>
            <source>Actions</source>
            <translation>Hoạt động</translation>
        </message>
        <message>
            <source>Welcome bonus</source>
            <translation>Thưởng chào mừng</translation>
        </message>
        <message>
            <source>Referral</source>
            <translation>Giới thiệu</translation>
        </message>
        <message>
            <source>spend step</source>
            <translation>mức chi tiêu mỗi bậc</translation>
        </message>
        <message>
            <source>points per step</source>
            <translation>điểm mỗi bậc</translation>
        </message>
        <message>
            <source>rounding</source>
            <translation>cách làm tròn</translation>
        </message>
        <message>
            <source>minimum spend</source>
            <translation>chi tiêu tối thiểu</translation>
        </message>
        <message>
            <source>category multipliers</source>
            <translation>hệ số theo ngành hàng</translation>
        </message>
        <message>
            <source>product multipliers</source>
            <translation>hệ số theo sản phẩm</translation>
        </message>
        <message>
            <source>categories that earn nothing</source>
            <translation>ngành hàng không tích điểm</translation>
        </message>
        <message>
            <source>points per sale at most</source>
            <translation>điểm tối đa mỗi lần mua</translation>
        </message>
        <message>
            <source>months counted</source>
            <translation>số tháng tính</translation>
        </message>
        <message>
            <source>review every (months)</source>
            <translation>xét lại mỗi (tháng)</translation>
        </message>
        <message>
            <source>name</source>
            <translation>tên</translation>
        </message>
        <message>
            <source>qualifying spend</source>
            <translation>chi tiêu xét hạng</translation>
        </message>
        <message>
            <source>multiplier</source>
            <translation>hệ số</translation>
        </message>
        <message>
            <source>bonus points</source>
            <translation>điểm thưởng</translation>
        </message>
        <message>
            <source>days</source>
            <translation>ngày trong tuần</translation>
        </message>
        <message>
            <source>from (time)</source>
            <translation>từ (giờ)</translation>
        </message>
        <message>
            <source>until (time)</source>
            <translation>đến (giờ)</translation>
        </message>
        <message>
            <source>from (day)</source>
            <translation>từ (ngày)</translation>
        </message>
        <message>
            <source>until (day)</source>
            <translation>đến (ngày)</translation>
        </message>
        <message>
            <source>categories</source>
            <translation>ngành hàng</translation>
        </message>
        <message>
            <source>minimum bill</source>
            <translation>hóa đơn tối thiểu</translation>
        </message>
        <message>
            <source>value of a point</source>
            <translation>giá trị mỗi điểm</translation>
        </message>
        <message>
            <source>minimum points</source>
            <translation>số điểm tối thiểu</translation>
        </message>
        <message>
            <source>share of a bill at most (%)</source>
            <translation>phần hóa đơn tối đa (%)</translation>
        </message>
        <message>
            <source>offline allowance</source>
            <translation>hạn mức khi mất kết nối</translation>
        </message>
        <message>
            <source>manager approval over</source>
            <translation>cần quản lý duyệt khi quá</translation>
        </message>
        <message>
            <source>points given back on a return</source>
            <translation>trả lại điểm khi trả hàng</translation>
        </message>
        <message>
            <source>expiry of points given back</source>
            <translation>hạn dùng của điểm trả lại</translation>
        </message>
        <message>
            <source>days at least</source>
            <translation>số ngày tối thiểu</translation>
        </message>
        <message>
            <source>points</source>
            <translation>điểm</translation>
        </message>
        <message>
            <source>kind</source>
            <translation>loại</translation>
        </message>
        <message>
            <source>amount</source>
            <translation>số tiền</translation>
        </message>
        <message>
            <source>percent</source>
            <translation>phần trăm</translation>
        </message>
        <message>
            <source>discount at most</source>
            <translation>giảm tối đa</translation>
        </message>
        <message>
            <source>product</source>
            <translation>sản phẩm</translation>
        </message>
        <message>
            <source>value</source>
            <translation>giá trị</translation>
        </message>
        <message>
            <source>months</source>
            <translation>số tháng</translation>
        </message>
        <message>
            <source>end of the month</source>
            <translation>cuối tháng</translation>
        </message>
        <message>
            <source>times at most</source>
            <translation>số lần tối đa</translation>
        </message>
        <message>
            <source>per</source>
            <translation>mỗi</translation>
        </message>
        <message>
            <source>points to the referrer</source>
            <translation>điểm cho người giới thiệu</translation>
        </message>
        <message>
            <source>points to the new member</source>
            <translation>điểm cho hội viên mới</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>có</translation>
        </message>
        <message>
            <source>no</source>
            <translation>không</translation>
        </message>
        <message>
            <source>none</source>
            <translation>không có</translation>
        </message>
        <message>
            <source>down</source>
            <translation>làm tròn xuống</translation>
        </message>
        <message>
            <source>half_up</source>
            <translation>làm tròn đến số gần nhất</translation>
        </message>
        <message>
            <source>up</source>
            <translation>làm tròn lên</translation>
        </message>
        <message>
            <source>fixed_discount</source>
            <translation>giảm số tiền cố định</translation>
        </message>
        <message>
            <source>percent_discount</source>
            <translation>giảm theo phần trăm</translation>
        </message>
        <message>
            <source>free_item</source>
            <translation>món miễn phí</translation>
        </message>
        <message>
            <source>day</source>
            <translation>ngày</translation>
        </message>
        <message>
            <source>week</source>
            <translation>tuần</translation>
        </message>
        <message>
            <source>month</source>
            <translation>tháng</translation>
        </message>
        <message>
            <source>year</source>
            <translation>năm</translation>
        </message>
        <message>
            <source>ever</source>
            <translation>tất cả</translation>
        </message>
        <message>
            <source>grace</source>
            <translation>giữ hạn cũ, có thời gian tối thiểu</translation>
        </message>
        <message>
            <source>fresh</source>
            <translation>hạn mới trọn vẹn</translation>
        </message>
    </context>
    <context>
        <name>InboxPage</name>
        <message>
            <source>Inbox</source>
            <translation>Đối soát</translation>
        </message>
        <message>
            <source>Reconciliation inbox</source>
            <translation>Hộp việc đối soát</translation>
        </message>
        <message>
            <source>&amp;Show</source>
            <translation>&amp;Hiện</translation>
        </message>
        <message>
            <source>Open items</source>
            <translation>Việc đang mở</translation>
        </message>
        <message>
            <source>Resolved items</source>
            <translation>Việc đã xử lý</translation>
        </message>
        <message>
            <source>All items</source>
            <translation>Tất cả</translation>
        </message>
        <message>
            <source>Which items to show</source>
            <translation>Hiện những việc nào</translation>
        </message>
        <message>
            <source>Refresh (F5)</source>
            <translation>Tải lại (F5)</translation>
        </message>
        <message>
            <source>Read the inbox again</source>
            <translation>Đọc lại hộp việc</translation>
        </message>
        <message>
            <source>&amp;Overdrafts recorded at this till</source>
            <translation>&amp;Nợ điểm ghi tại quầy này</translation>
        </message>
        <message>
            <source>Recorded</source>
            <translation>Ghi nhận</translation>
        </message>
        <message>
            <source>Member</source>
            <translation>Hội viên</translation>
        </message>
        <message>
            <source>Owed</source>
            <translation>Còn nợ</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Tình trạng</translation>
        </message>
        <message>
            <source>Overdrafts recorded at this till</source>
            <translation>Nợ điểm ghi tại quầy này</translation>
        </message>
        <message>
            <source>The &amp;central service's items</source>
            <translation>Việc của &amp;máy chủ trung tâm</translation>
        </message>
        <message>
            <source>No.</source>
            <translation>Số</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Loại</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>Điểm</translation>
        </message>
        <message>
            <source>The central service's inbox items</source>
            <translation>Các việc trong hộp việc của máy chủ trung tâm</translation>
        </message>
        <message>
            <source>The item's facts</source>
            <translation>Thông tin của việc</translation>
        </message>
        <message>
            <source>&amp;Reason (required to write off or dismiss)</source>
            <translation>&amp;Lý do (bắt buộc khi xóa nợ hoặc bỏ qua)</translation>
        </message>
        <message>
            <source>e.g. goodwill: the return was the store's mistake</source>
            <translation>vd. thiện chí: trả hàng do lỗi của cửa hàng</translation>
        </message>
        <message>
            <source>Reason for the decision</source>
            <translation>Lý do của quyết định</translation>
        </message>
        <message>
            <source>Recover from next earnings</source>
            <translation>Thu lại từ lần tích điểm sau</translation>
        </message>
        <message>
            <source>Recover the overdraft from the member's next earnings</source>
            <translation>Thu lại nợ điểm từ các lần tích điểm sau của hội viên</translation>
        </message>
        <message>
            <source>Write off (Enter)</source>
            <translation>Xóa nợ (Enter)</translation>
        </message>
        <message>
            <source>Write off what the member owes</source>
            <translation>Xóa số điểm hội viên còn nợ</translation>
        </message>
        <message>
            <source>Dismiss</source>
            <translation>Bỏ qua</translation>
        </message>
        <message>
            <source>Dismiss the item</source>
            <translation>Bỏ qua việc này</translation>
        </message>
        <message>
            <source>Open the member</source>
            <translation>Mở hội viên</translation>
        </message>
        <message>
            <source>Open the member of this item</source>
            <translation>Mở hội viên của việc này</translation>
        </message>
        <message>
            <source>{remaining} of {points}</source>
            <translation>{remaining} / {points}</translation>
        </message>
        <message>
            <source>No open overdraft at this till.</source>
            <translation>Quầy này không có nợ điểm nào đang mở.</translation>
        </message>
        <message>
            <source>No overdraft at this till to show.</source>
            <translation>Quầy này không có nợ điểm nào để hiện.</translation>
        </message>
        <message>
            <source>not known here</source>
            <translation>quầy này không biết</translation>
        </message>
        <message>
            <source>Asking the central service…</source>
            <translation>Đang hỏi máy chủ trung tâm…</translation>
        </message>
        <message>
            <source>This till does not sync with a central service: only the overdrafts recorded here are listed.</source>
            <translation>Quầy này không đồng bộ với máy chủ trung tâm: chỉ liệt kê nợ điểm ghi tại quầy.</translation>
        </message>
        <message>
            <source>The central service cannot be reached now, so its items are not shown. This till's overdrafts above can still be resolved; press F5 to ask again.</source>
            <translation>Hiện không kết nối được máy chủ trung tâm nên không hiện được việc của máy chủ. Nợ điểm của quầy ở trên vẫn xử lý được; nhấn F5 để hỏi lại.</translation>
        </message>
        <message>
            <source>The central service refused to show its inbox: {reason}</source>
            <translation>Máy chủ trung tâm từ chối hiện hộp việc: {reason}</translation>
        </message>
        <message>
            <source>No item at the central service.</source>
            <translation>Máy chủ trung tâm không có việc nào.</translation>
        </message>
        <message>
            <source>Only the first {count} items are shown.</source>
            <translation>Chỉ hiện {count} việc đầu tiên.</translation>
        </message>
        <message>
            <source>Choose an item to see its facts and what can be done.</source>
            <translation>Chọn một việc để xem thông tin và cách xử lý.</translation>
        </message>
        <message>
            <source>This till syncs: write the debt off from the central service's item for this member, so every till learns it once.</source>
            <translation>Quầy này có đồng bộ: hãy xóa nợ từ việc của máy chủ trung tâm cho hội viên này, để mọi quầy cùng biết một lần.</translation>
        </message>
        <message>
            <source>Only a manager can resolve an item. Ask a manager to sign in.</source>
            <translation>Chỉ quản lý mới được xử lý việc. Hãy nhờ quản lý đăng nhập.</translation>
        </message>
        <message>
            <source>This item is resolved: it stays listed under Resolved items.</source>
            <translation>Việc này đã xử lý: vẫn được giữ trong mục Việc đã xử lý.</translation>
        </message>
        <message>
            <source>Owed when recorded</source>
            <translation>Nợ lúc ghi nhận</translation>
        </message>
        <message>
            <source>{points} points</source>
            <translation>{points} điểm</translation>
        </message>
        <message>
            <source>Still owed</source>
            <translation>Còn nợ</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>Lý do phát sinh</translation>
        </message>
        <message>
            <source>The entry</source>
            <translation>Bút toán</translation>
        </message>
        <message>
            <source>{kind}: {points} points, receipt {receipt}</source>
            <translation>{kind}: {points} điểm, hóa đơn {receipt}</translation>
        </message>
        <message>
            <source>Where</source>
            <translation>Nơi ghi</translation>
        </message>
        <message>
            <source>this till</source>
            <translation>quầy này</translation>
        </message>
        <message>
            <source>another till ({till})</source>
            <translation>quầy khác ({till})</translation>
        </message>
        <message>
            <source>By</source>
            <translation>Người thực hiện</translation>
        </message>
        <message>
            <source>Program version</source>
            <translation>Phiên bản chương trình</translation>
        </message>
        <message>
            <source>Decided</source>
            <translation>Đã quyết định</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>Lý do</translation>
        </message>
        <message>
            <source>Overdraft at this till</source>
            <translation>Nợ điểm tại quầy này</translation>
        </message>
        <message>
            <source>From</source>
            <translation>Từ</translation>
        </message>
        <message>
            <source>The central's words</source>
            <translation>Nội dung từ máy chủ trung tâm</translation>
        </message>
        <message>
            <source>Item {number} of the central service</source>
            <translation>Việc số {number} của máy chủ trung tâm</translation>
        </message>
        <message>
            <source>Type the reason first: it is kept with the decision.</source>
            <translation>Hãy nhập lý do trước: lý do được lưu cùng quyết định.</translation>
        </message>
        <message>
            <source>Decided: the member's next earnings pay it back.</source>
            <translation>Đã quyết định: các lần tích điểm sau của hội viên sẽ trả dần khoản nợ.</translation>
        </message>
        <message>
            <source>Written off: {points} points credited to {name}; the overdraft is settled.</source>
            <translation>Đã xóa nợ: cộng {points} điểm cho {name}; khoản nợ điểm đã được tất toán.</translation>
        </message>
        <message>
            <source>The central service recorded the decision; it reaches every till at the next sync.</source>
            <translation>Máy chủ trung tâm đã ghi nhận quyết định; mọi quầy sẽ nhận được ở lần đồng bộ tới.</translation>
        </message>
        <message>
            <source>This till does not sync with a central service.</source>
            <translation>Quầy này không đồng bộ với máy chủ trung tâm.</translation>
        </message>
        <message>
            <source>The central service cannot be reached now: nothing was decided. Try again later.</source>
            <translation>Hiện không kết nối được máy chủ trung tâm: chưa có quyết định nào được ghi. Hãy thử lại sau.</translation>
        </message>
        <message>
            <source>The central service refused the decision: {reason}</source>
            <translation>Máy chủ trung tâm từ chối quyết định: {reason}</translation>
        </message>
        <message>
            <source>(personal data erased)</source>
            <translation>(đã xóa dữ liệu cá nhân)</translation>
        </message>
        <message>
            <source>Written off</source>
            <translation>Đã xóa nợ</translation>
        </message>
        <message>
            <source>Recovered from next earnings</source>
            <translation>Đã thu lại từ lần tích điểm sau</translation>
        </message>
        <message>
            <source>Recovering from next earnings</source>
            <translation>Đang thu lại từ lần tích điểm sau</translation>
        </message>
        <message>
            <source>Paid back by earnings</source>
            <translation>Đã trả bằng điểm tích được</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Đang mở</translation>
        </message>
        <message>
            <source>Dismissed</source>
            <translation>Đã bỏ qua</translation>
        </message>
        <message>
            <source>Overdraft</source>
            <translation>Nợ điểm</translation>
        </message>
        <message>
            <source>Conflict</source>
            <translation>Xung đột</translation>
        </message>
        <message>
            <source>Rejected item</source>
            <translation>Mục bị từ chối</translation>
        </message>
        <message>
            <source>Receipt awarded twice</source>
            <translation>Hóa đơn được tích điểm hai lần</translation>
        </message>
        <message>
            <source>Redemption</source>
            <translation>Dùng điểm</translation>
        </message>
        <message>
            <source>Return</source>
            <translation>Trả hàng</translation>
        </message>
        <message>
            <source>Transfer (merge)</source>
            <translation>Chuyển điểm (gộp hội viên)</translation>
        </message>
        <message>
            <source>Adjustment</source>
            <translation>Điều chỉnh</translation>
        </message>
        <message>
            <source>Expiry</source>
            <translation>Hết hạn</translation>
        </message>
        <message>
            <source>a return after the points were spent</source>
            <translation>trả hàng sau khi điểm đã được dùng</translation>
        </message>
        <message>
            <source>a referral bonus taken back after the points were spent</source>
            <translation>thu hồi thưởng giới thiệu sau khi điểm đã được dùng</translation>
        </message>
        <message>
            <source>a debt moved here by a merge</source>
            <translation>khoản nợ chuyển sang khi gộp hội viên</translation>
        </message>
        <message>
            <source>a redemption at another till, offline</source>
            <translation>dùng điểm ở quầy khác khi mất kết nối</translation>
        </message>
        <message>
            <source>a return at another till</source>
            <translation>trả hàng ở quầy khác</translation>
        </message>
        <message>
            <source>a merge at another till</source>
            <translation>gộp hội viên ở quầy khác</translation>
        </message>
        <message>
            <source>an adjustment at another till</source>
            <translation>điều chỉnh ở quầy khác</translation>
        </message>
        <message>
            <source>Redemptions at several tills, offline, spent more than the member had.</source>
            <translation>Dùng điểm ở nhiều quầy khi mất kết nối, vượt quá số điểm hội viên có.</translation>
        </message>
        <message>
            <source>A till sent something the central service could not read.</source>
            <translation>Một quầy đã gửi dữ liệu mà máy chủ trung tâm không đọc được.</translation>
        </message>
        <message>
            <source>An entry was changed at the till after it was written.</source>
            <translation>Một bút toán đã bị sửa tại quầy sau khi được ghi.</translation>
        </message>
        <message>
            <source>The item's id does not match what it carries.</source>
            <translation>Mã của mục không khớp với nội dung.</translation>
        </message>
        <message>
            <source>The item belongs to another store or till.</source>
            <translation>Mục này thuộc cửa hàng hoặc quầy khác.</translation>
        </message>
        <message>
            <source>The member is not known at the central service.</source>
            <translation>Máy chủ trung tâm không biết hội viên này.</translation>
        </message>
        <message>
            <source>Another member of the store has this member number.</source>
            <translation>Một hội viên khác của cửa hàng đã có số hội viên này.</translation>
        </message>
        <message>
            <source>Sent twice with different content.</source>
            <translation>Được gửi hai lần với nội dung khác nhau.</translation>
        </message>
        <message>
            <source>Another item holds this place in the till's queue.</source>
            <translation>Một mục khác đã chiếm vị trí này trong hàng đợi của quầy.</translation>
        </message>
        <message>
            <source>Another entry holds this place in the till's ledger.</source>
            <translation>Một bút toán khác đã chiếm vị trí này trong sổ điểm của quầy.</translation>
        </message>
        <message>
            <source>An earlier item of the till is missing.</source>
            <translation>Thiếu một mục trước đó của quầy.</translation>
        </message>
        <message>
            <source>A till sent an entry in another channel's name.</source>
            <translation>Một quầy đã gửi bút toán dưới tên kênh khác.</translation>
        </message>
        <message>
            <source>The member was merged into another member at another till first.</source>
            <translation>Hội viên đã được gộp vào hội viên khác ở quầy khác trước đó.</translation>
        </message>
        <message>
            <source>The merge cannot be done.</source>
            <translation>Không thể gộp hội viên.</translation>
        </message>
        <message>
            <source>A card blocked at the central service was linked at a till.</source>
            <translation>Một thẻ đã bị khóa ở máy chủ trung tâm lại được gắn tại quầy.</translation>
        </message>
        <message>
            <source>The card is linked to another member of the store.</source>
            <translation>Thẻ đã gắn với một hội viên khác của cửa hàng.</translation>
        </message>
        <message>
            <source>The member&apos;s personal data was erased: the change would bring it back.</source>
            <translation>Dữ liệu cá nhân của hội viên đã bị xóa: thay đổi này sẽ khôi phục lại dữ liệu đó.</translation>
        </message>
        <message>
            <source>Another till of the store awarded points for the same receipt number. Both count: check it was two sales, not one sale rung up twice.</source>
            <translation>Một quầy khác của cửa hàng đã tích điểm cho cùng số hóa đơn này. Cả hai đều được tính: hãy kiểm tra đó là hai lần bán, không phải một lần bán bị nhập hai lần.</translation>
        </message>
    </context>
    <context>
        <name>PrivacyPage</name>
        <message>
            <source>Privacy</source>
            <translation>Riêng tư</translation>
        </message>
        <message>
            <source>A customer's personal data</source>
            <translation>Dữ liệu cá nhân của khách hàng</translation>
        </message>
        <message>
            <source>&amp;Find the member</source>
            <translation>&amp;Tìm hội viên</translation>
        </message>
        <message>
            <source>Name, phone, e-mail or member number</source>
            <translation>Họ tên, điện thoại, e-mail hoặc số hội viên</translation>
        </message>
        <message>
            <source>Search the member</source>
            <translation>Tìm hội viên</translation>
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
            <source>Members found</source>
            <translation>Hội viên tìm thấy</translation>
        </message>
        <message>
            <source>Consents</source>
            <translation>Các đồng ý</translation>
        </message>
        <message>
            <source>Every consent answer</source>
            <translation>Mọi câu trả lời về đồng ý</translation>
        </message>
        <message>
            <source>Export the member's personal data</source>
            <translation>Xuất dữ liệu cá nhân của hội viên</translation>
        </message>
        <message>
            <source>Erase the personal data</source>
            <translation>Xóa dữ liệu cá nhân</translation>
        </message>
        <message>
            <source>&amp;Reason</source>
            <translation>&amp;Lý do</translation>
        </message>
        <message>
            <source>e.g. the customer asked at the counter (no names here)</source>
            <translation>vd. khách yêu cầu tại quầy (không ghi tên ở đây)</translation>
        </message>
        <message>
            <source>Reason for the erasure</source>
            <translation>Lý do xóa</translation>
        </message>
        <message>
            <source>Type the member &amp;number</source>
            <translation>Nhập lại &amp;số hội viên</translation>
        </message>
        <message>
            <source>The member number, typed again to confirm</source>
            <translation>Số hội viên, nhập lại để xác nhận</translation>
        </message>
        <message>
            <source>Erase the member's personal data</source>
            <translation>Xóa dữ liệu cá nhân của hội viên</translation>
        </message>
        <message>
            <source>Change the answer for {purpose}</source>
            <translation>Đổi câu trả lời cho {purpose}</translation>
        </message>
        <message>
            <source>(personal data erased)</source>
            <translation>(đã xóa dữ liệu cá nhân)</translation>
        </message>
        <message>
            <source>No member found.</source>
            <translation>Không tìm thấy hội viên.</translation>
        </message>
        <message>
            <source>Enter takes the first member found; Down arrow moves to the list.</source>
            <translation>Enter chọn hội viên đầu tiên tìm thấy; phím mũi tên xuống để vào danh sách.</translation>
        </message>
        <message>
            <source>Reading the member…</source>
            <translation>Đang đọc hội viên…</translation>
        </message>
        <message>
            <source>Member {number}: personal data erased</source>
            <translation>Hội viên {number}: đã xóa dữ liệu cá nhân</translation>
        </message>
        <message>
            <source>{name} (member {number})</source>
            <translation>{name} (hội viên {number})</translation>
        </message>
        <message>
            <source>E-mail</source>
            <translation>E-mail</translation>
        </message>
        <message>
            <source>Birthday</source>
            <translation>Ngày sinh</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>Điểm</translation>
        </message>
        <message>
            <source>Cards</source>
            <translation>Thẻ</translation>
        </message>
        <message>
            <source>Entries in the history</source>
            <translation>Số bút toán trong lịch sử</translation>
        </message>
        <message>
            <source>Records merged into it</source>
            <translation>Hồ sơ đã gộp vào</translation>
        </message>
        <message>
            <source>Erased on</source>
            <translation>Xóa lúc</translation>
        </message>
        <message>
            <source>{purpose}: never asked</source>
            <translation>{purpose}: chưa hỏi</translation>
        </message>
        <message>
            <source>{purpose}: agreed (text {version}, {when})</source>
            <translation>{purpose}: đồng ý (nội dung {version}, {when})</translation>
        </message>
        <message>
            <source>{purpose}: refused or withdrawn (text {version}, {when})</source>
            <translation>{purpose}: từ chối hoặc đã rút lại (nội dung {version}, {when})</translation>
        </message>
        <message>
            <source>Withdraw</source>
            <translation>Rút lại</translation>
        </message>
        <message>
            <source>Record agreement</source>
            <translation>Ghi nhận đồng ý</translation>
        </message>
        <message>
            <source>agreed</source>
            <translation>đồng ý</translation>
        </message>
        <message>
            <source>refused or withdrawn</source>
            <translation>từ chối hoặc rút lại</translation>
        </message>
        <message>
            <source>text {version}</source>
            <translation>nội dung {version}</translation>
        </message>
        <message>
            <source>No consent was asked.</source>
            <translation>Chưa hỏi ý kiến đồng ý nào.</translation>
        </message>
        <message>
            <source>Saved: {json} and {pdf}</source>
            <translation>Đã lưu: {json} và {pdf}</translation>
        </message>
        <message>
            <source>Only a manager can export or erase personal data. Ask a manager to sign in.</source>
            <translation>Chỉ quản lý mới được xuất hoặc xóa dữ liệu cá nhân. Hãy nhờ quản lý đăng nhập.</translation>
        </message>
        <message>
            <source>This member's personal data is erased: the points stay, without the person.</source>
            <translation>Dữ liệu cá nhân của hội viên này đã bị xóa: điểm vẫn được giữ, không còn gắn với người.</translation>
        </message>
        <message>
            <source>To erase: give the reason and type the member number {number}.</source>
            <translation>Để xóa: nhập lý do và nhập lại số hội viên {number}.</translation>
        </message>
        <message>
            <source>Recorded: {purpose}, agreed.</source>
            <translation>Đã ghi nhận: {purpose}, đồng ý.</translation>
        </message>
        <message>
            <source>Recorded: {purpose}, withdrawn.</source>
            <translation>Đã ghi nhận: {purpose}, rút lại.</translation>
        </message>
        <message>
            <source>Personal data of member {number}</source>
            <translation>Dữ liệu cá nhân của hội viên {number}</translation>
        </message>
        <message>
            <source>The member's data is saved in {folder} as JSON and PDF.</source>
            <translation>Dữ liệu của hội viên đã được lưu vào {folder} dạng JSON và PDF.</translation>
        </message>
        <message>
            <source>Give the reason and type the member number {number} to erase.</source>
            <translation>Hãy nhập lý do và nhập lại số hội viên {number} để xóa.</translation>
        </message>
        <message>
            <source>The personal data of member {number} is erased; {cards} card(s) unlinked. The central service learns it at the next sync.</source>
            <translation>Đã xóa dữ liệu cá nhân của hội viên {number}; đã gỡ {cards} thẻ. Máy chủ trung tâm sẽ biết ở lần đồng bộ tới.</translation>
        </message>
        <message>
            <source>Export the data (JSON, PDF)</source>
            <translation>Xuất dữ liệu (JSON, PDF)</translation>
        </message>
        <message>
            <source>Name, phone, e-mail, birthday, consents and cards go, at every till; the points stay. No undo.</source>
            <translation>Xóa họ tên, điện thoại, e-mail, ngày sinh, đồng ý và thẻ ở mọi quầy; điểm vẫn giữ. Không thể hoàn tác.</translation>
        </message>
    </context>
    <context>
        <name>PrivacyExport</name>
        <message>
            <source>yes</source>
            <translation>có</translation>
        </message>
        <message>
            <source>no</source>
            <translation>không</translation>
        </message>
        <message>
            <source>Purchase</source>
            <translation>Mua hàng</translation>
        </message>
        <message>
            <source>Paid with points</source>
            <translation>Dùng điểm thanh toán</translation>
        </message>
        <message>
            <source>Bonus</source>
            <translation>Thưởng</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>Hoạt động</translation>
        </message>
        <message>
            <source>Adjustment</source>
            <translation>Điều chỉnh</translation>
        </message>
        <message>
            <source>Expired</source>
            <translation>Hết hạn</translation>
        </message>
        <message>
            <source>Return</source>
            <translation>Trả hàng</translation>
        </message>
        <message>
            <source>Transfer (merge)</source>
            <translation>Chuyển điểm (gộp hội viên)</translation>
        </message>
        <message>
            <source>active</source>
            <translation>đang hoạt động</translation>
        </message>
        <message>
            <source>merged into another member</source>
            <translation>đã gộp vào hội viên khác</translation>
        </message>
        <message>
            <source>personal data erased</source>
            <translation>đã xóa dữ liệu cá nhân</translation>
        </message>
        <message>
            <source>Personal data of member {number}</source>
            <translation>Dữ liệu cá nhân của hội viên {number}</translation>
        </message>
        <message>
            <source>Exported on {when} from the loyalty program {program} (version {version}).</source>
            <translation>Xuất lúc {when} từ chương trình khách hàng thân thiết {program} (phiên bản {version}).</translation>
        </message>
        <message>
            <source>Profile</source>
            <translation>Hồ sơ</translation>
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
            <source>E-mail</source>
            <translation>E-mail</translation>
        </message>
        <message>
            <source>Birthday</source>
            <translation>Ngày sinh</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Tình trạng</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Ngôn ngữ</translation>
        </message>
        <message>
            <source>Referral code</source>
            <translation>Mã giới thiệu</translation>
        </message>
        <message>
            <source>Referred by another member</source>
            <translation>Được hội viên khác giới thiệu</translation>
        </message>
        <message>
            <source>Members referred</source>
            <translation>Số hội viên đã giới thiệu</translation>
        </message>
        <message>
            <source>Member since</source>
            <translation>Hội viên từ</translation>
        </message>
        <message>
            <source>First purchase</source>
            <translation>Lần mua đầu tiên</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>Điểm</translation>
        </message>
        <message>
            <source>Balance</source>
            <translation>Số dư</translation>
        </message>
        <message>
            <source>{points} points</source>
            <translation>{points} điểm</translation>
        </message>
        <message>
            <source>Worth</source>
            <translation>Trị giá</translation>
        </message>
        <message>
            <source>Tier</source>
            <translation>Hạng</translation>
        </message>
        <message>
            <source>{name}, since {since}, reviewed on {review}</source>
            <translation>{name}, từ {since}, xét lại ngày {review}</translation>
        </message>
        <message>
            <source>Records merged into this member</source>
            <translation>Các hồ sơ đã gộp vào hội viên này</translation>
        </message>
        <message>
            <source>Consents</source>
            <translation>Các đồng ý</translation>
        </message>
        <message>
            <source>When</source>
            <translation>Thời điểm</translation>
        </message>
        <message>
            <source>Purpose</source>
            <translation>Mục đích</translation>
        </message>
        <message>
            <source>Answer</source>
            <translation>Trả lời</translation>
        </message>
        <message>
            <source>Text version</source>
            <translation>Phiên bản nội dung</translation>
        </message>
        <message>
            <source>The words agreed to</source>
            <translation>Nội dung được đồng ý</translation>
        </message>
        <message>
            <source>agreed</source>
            <translation>đồng ý</translation>
        </message>
        <message>
            <source>refused or withdrawn</source>
            <translation>từ chối hoặc rút lại</translation>
        </message>
        <message>
            <source>No consent was asked.</source>
            <translation>Chưa hỏi ý kiến đồng ý nào.</translation>
        </message>
        <message>
            <source>Cards</source>
            <translation>Thẻ</translation>
        </message>
        <message>
            <source>Card</source>
            <translation>Thẻ</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Loại</translation>
        </message>
        <message>
            <source>Linked</source>
            <translation>Gắn lúc</translation>
        </message>
        <message>
            <source>Changed</source>
            <translation>Đổi lúc</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>Lý do</translation>
        </message>
        <message>
            <source>No card.</source>
            <translation>Không có thẻ.</translation>
        </message>
        <message>
            <source>Points and when they expire</source>
            <translation>Điểm và hạn dùng</translation>
        </message>
        <message>
            <source>Earned</source>
            <translation>Tích lúc</translation>
        </message>
        <message>
            <source>Left</source>
            <translation>Còn lại</translation>
        </message>
        <message>
            <source>Expire</source>
            <translation>Hết hạn</translation>
        </message>
        <message>
            <source>History of points</source>
            <translation>Lịch sử điểm</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Nội dung</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>Số tiền</translation>
        </message>
        <message>
            <source>Receipt</source>
            <translation>Hóa đơn</translation>
        </message>
        <message>
            <source>Where</source>
            <translation>Nơi ghi</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>Lý do</translation>
        </message>
        <message>
            <source>Program</source>
            <translation>Chương trình</translation>
        </message>
        <message>
            <source>store {store}, till {till}</source>
            <translation>cửa hàng {store}, quầy {till}</translation>
        </message>
        <message>
            <source>No points yet.</source>
            <translation>Chưa có điểm nào.</translation>
        </message>
        <message>
            <source>Suggestions shown to the cashier</source>
            <translation>Gợi ý đã hiện cho thu ngân</translation>
        </message>
        <message>
            <source>Suggestion</source>
            <translation>Gợi ý</translation>
        </message>
        <message>
            <source>Used</source>
            <translation>Đã dùng</translation>
        </message>
        <message>
            <source>offers and news</source>
            <translation>tin khuyến mãi và ưu đãi</translation>
        </message>
        <message>
            <source>offers chosen from purchases</source>
            <translation>ưu đãi theo lịch sử mua hàng</translation>
        </message>
    </context>
    <context>
        <name>CardsPage</name>
        <message>
            <source>Cards</source>
            <translation>Thẻ</translation>
        </message>
        <message>
            <source>Added (made at another till or before this till kept a log)</source>
            <translation>Đã thêm (tạo ở quầy khác hoặc trước khi quầy này ghi nhật ký)</translation>
        </message>
        <message>
            <source>Find the member, or tap the card on the reader</source>
            <translation>Tìm hội viên, hoặc chạm thẻ vào đầu đọc</translation>
        </message>
        <message>
            <source>Open the member</source>
            <translation>Mở hội viên</translation>
        </message>
        <message>
            <source>Open this member's page</source>
            <translation>Mở trang của hội viên này</translation>
        </message>
        <message>
            <source>The member's cards</source>
            <translation>Các thẻ của hội viên</translation>
        </message>
        <message>
            <source>The card's history</source>
            <translation>Lịch sử của thẻ</translation>
        </message>
        <message>
            <source>&amp;Reason</source>
            <translation>&amp;Lý do</translation>
        </message>
        <message>
            <source>e.g. lost at the market, stolen, damaged</source>
            <translation>ví dụ: mất ở chợ, bị lấy cắp, hỏng</translation>
        </message>
        <message>
            <source>Reason for blocking or replacing the card</source>
            <translation>Lý do khóa hoặc thay thẻ</translation>
        </message>
        <message>
            <source>&amp;Block the card</source>
            <translation>&amp;Khóa thẻ</translation>
        </message>
        <message>
            <source>Block the chosen card</source>
            <translation>Khóa thẻ đang chọn</translation>
        </message>
        <message>
            <source>Re&amp;place the card</source>
            <translation>&amp;Thay thẻ</translation>
        </message>
        <message>
            <source>Replace the chosen card with a new one</source>
            <translation>Thay thẻ đang chọn bằng thẻ mới</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>Hủy (Esc)</translation>
        </message>
        <message>
            <source>Stop waiting for a card</source>
            <translation>Thôi chờ thẻ</translation>
        </message>
        <message>
            <source>Link a card to this member</source>
            <translation>Gắn một thẻ cho hội viên này</translation>
        </message>
        <message>
            <source>NFC card</source>
            <translation>Thẻ NFC</translation>
        </message>
        <message>
            <source>NFC card (NDEF)</source>
            <translation>Thẻ NFC (NDEF)</translation>
        </message>
        <message>
            <source>Secure card</source>
            <translation>Thẻ bảo mật</translation>
        </message>
        <message>
            <source>Barcode</source>
            <translation>Mã vạch</translation>
        </message>
        <message>
            <source>QR code</source>
            <translation>Mã QR</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Điện thoại</translation>
        </message>
        <message>
            <source>Works</source>
            <translation>Đang dùng</translation>
        </message>
        <message>
            <source>Blocked</source>
            <translation>Đã khóa</translation>
        </message>
        <message>
            <source>Replaced</source>
            <translation>Đã thay</translation>
        </message>
        <message>
            <source>System</source>
            <translation>Hệ thống</translation>
        </message>
        <message>
            <source>Card</source>
            <translation>Thẻ</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Loại</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Trạng thái</translation>
        </message>
        <message>
            <source>Since</source>
            <translation>Từ ngày</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>Lý do</translation>
        </message>
        <message>
            <source>When</source>
            <translation>Lúc</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Việc gì</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>Ai</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>Vì sao</translation>
        </message>
        <message>
            <source>Choose the card to block in the list first.</source>
            <translation>Hãy chọn thẻ cần khóa trong danh sách trước.</translation>
        </message>
        <message>
            <source>Type why the card is blocked (lost, stolen, damaged), then press Block.</source>
            <translation>Hãy nhập lý do khóa thẻ (mất, bị lấy cắp, hỏng), rồi bấm Khóa.</translation>
        </message>
        <message>
            <source>Choose the card to replace in the list first.</source>
            <translation>Hãy chọn thẻ cần thay trong danh sách trước.</translation>
        </message>
        <message>
            <source>Type why the card is replaced (lost, stolen, damaged), then press Replace.</source>
            <translation>Hãy nhập lý do thay thẻ (mất, bị lấy cắp, hỏng), rồi bấm Thay.</translation>
        </message>
        <message>
            <source>Find the member first (search on the left), then link the card.</source>
            <translation>Hãy tìm hội viên trước (ô tìm bên trái), rồi gắn thẻ.</translation>
        </message>
        <message>
            <source>Nothing was changed.</source>
            <translation>Không có gì thay đổi.</translation>
        </message>
        <message>
            <source>No member shown: search for one, or tap a card.</source>
            <translation>Chưa có hội viên: hãy tìm, hoặc chạm một thẻ.</translation>
        </message>
        <message>
            <source>&amp;Link a new card</source>
            <translation>&amp;Gắn thẻ mới</translation>
        </message>
        <message>
            <source>Card {digits} is already blocked. To give the customer a working card, replace it.</source>
            <translation>Thẻ {digits} đã bị khóa. Muốn khách có thẻ dùng được, hãy thay thẻ.</translation>
        </message>
        <message>
            <source>This is a printed member number, not a card that can be linked. Tap a card.</source>
            <translation>Đây là số hội viên in sẵn, không phải thẻ để gắn. Hãy chạm một thẻ.</translation>
        </message>
        <message>
            <source>Card {digits} is blocked: it no longer works at any till. {name} keeps their points.</source>
            <translation>Đã khóa thẻ {digits}: thẻ không còn dùng được ở quầy nào. {name} vẫn giữ nguyên điểm.</translation>
        </message>
        <message>
            <source>Card {old} is replaced by card {new}: {name} keeps their {points} points and their history.</source>
            <translation>Đã thay thẻ {old} bằng thẻ {new}: {name} vẫn giữ {points} điểm và toàn bộ lịch sử.</translation>
        </message>
        <message>
            <source>Card {digits} is now linked to {name}.</source>
            <translation>Thẻ {digits} đã được gắn cho {name}.</translation>
        </message>
        <message>
            <source>History: choose a card.</source>
            <translation>Lịch sử: hãy chọn một thẻ.</translation>
        </message>
        <message>
            <source>This member has no card.</source>
            <translation>Hội viên này chưa có thẻ.</translation>
        </message>
        <message>
            <source>Find the member or tap the card first.</source>
            <translation>Hãy tìm hội viên hoặc chạm thẻ trước.</translation>
        </message>
        <message>
            <source>Card {digits} was already replaced: it does not work any more.</source>
            <translation>Thẻ {digits} đã được thay: thẻ không còn dùng được nữa.</translation>
        </message>
        <message>
            <source>Linked to member no. {number}</source>
            <translation>Gắn cho hội viên số {number}</translation>
        </message>
        <message>
            <source>Linked to this member</source>
            <translation>Gắn cho hội viên này</translation>
        </message>
        <message>
            <source>Replaced by card {digits}</source>
            <translation>Được thay bằng thẻ {digits}</translation>
        </message>
        <message>
            <source>Issued to replace card {digits}</source>
            <translation>Cấp để thay thẻ {digits}</translation>
        </message>
        <message>
            <source>Moved to member no. {number} by a merge</source>
            <translation>Chuyển sang hội viên số {number} khi gộp</translation>
        </message>
        <message>
            <source>Card {digits} is not registered. Find the member to link it to.</source>
            <translation>Thẻ {digits} chưa được đăng ký. Hãy tìm hội viên để gắn thẻ.</translation>
        </message>
        <message>
            <source>Card {digits} is not registered. Press Link to give it to {name}, or find another member.</source>
            <translation>Thẻ {digits} chưa được đăng ký. Bấm Gắn để giao thẻ cho {name}, hoặc tìm hội viên khác.</translation>
        </message>
        <message>
            <source>Replacing a card needs a manager: card {digits} of {name}.</source>
            <translation>Thay thẻ cần quản lý duyệt: thẻ {digits} của {name}.</translation>
        </message>
        <message>
            <source>{name} · no. {number} · {points} points</source>
            <translation>{name} · số {number} · {points} điểm</translation>
        </message>
        <message>
            <source>Card {digits} is not registered yet.</source>
            <translation>Thẻ {digits} chưa được đăng ký.</translation>
        </message>
        <message>
            <source>History of card {digits}</source>
            <translation>Lịch sử thẻ {digits}</translation>
        </message>
        <message>
            <source>&amp;Link card {digits} to {name}</source>
            <translation>&amp;Gắn thẻ {digits} cho {name}</translation>
        </message>
        <message>
            <source>Tap the new card on the reader to replace card {digits}. Esc cancels.</source>
            <translation>Chạm thẻ mới vào đầu đọc để thay thẻ {digits}. Esc để hủy.</translation>
        </message>
        <message>
            <source>Tap the new card on the reader to link it to {name}. Esc cancels.</source>
            <translation>Chạm thẻ mới vào đầu đọc để gắn cho {name}. Esc để hủy.</translation>
        </message>
    </context>
    <context>
        <name>DuplicatesPage</name>
        <message>
            <source>Duplicates</source>
            <translation>Trùng lặp</translation>
        </message>
        <message>
            <source>Find again (F5)</source>
            <translation>Tìm lại (F5)</translation>
        </message>
        <message>
            <source>Find likely duplicates</source>
            <translation>Tìm hội viên có thể bị trùng</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Dừng</translation>
        </message>
        <message>
            <source>Stop looking for duplicates</source>
            <translation>Dừng tìm hội viên trùng</translation>
        </message>
        <message>
            <source>Progress of the search</source>
            <translation>Tiến độ tìm kiếm</translation>
        </message>
        <message>
            <source>Likely duplicates</source>
            <translation>Có thể bị trùng</translation>
        </message>
        <message>
            <source>Found when phone numbers were cleaned up</source>
            <translation>Tìm thấy khi chuẩn hóa số điện thoại</translation>
        </message>
        <message>
            <source>Members found when phone numbers were cleaned up</source>
            <translation>Hội viên tìm thấy khi chuẩn hóa số điện thoại</translation>
        </message>
        <message>
            <source>What the merge does</source>
            <translation>Việc gộp sẽ làm gì</translation>
        </message>
        <message>
            <source>Keep the other one</source>
            <translation>Giữ người kia</translation>
        </message>
        <message>
            <source>Keep the other member instead</source>
            <translation>Giữ hội viên kia thay vì hội viên này</translation>
        </message>
        <message>
            <source>Open the kept member</source>
            <translation>Mở hội viên được giữ</translation>
        </message>
        <message>
            <source>Open the kept member's page</source>
            <translation>Mở trang của hội viên được giữ</translation>
        </message>
        <message>
            <source>&amp;Reason</source>
            <translation>&amp;Lý do</translation>
        </message>
        <message>
            <source>e.g. same person, enrolled twice</source>
            <translation>ví dụ: cùng một người, đăng ký hai lần</translation>
        </message>
        <message>
            <source>Reason for the merge</source>
            <translation>Lý do gộp</translation>
        </message>
        <message>
            <source>&amp;Merge (manager)</source>
            <translation>&amp;Gộp (quản lý)</translation>
        </message>
        <message>
            <source>Merge the two members</source>
            <translation>Gộp hai hội viên</translation>
        </message>
        <message>
            <source>Looking for members who are probably one person…</source>
            <translation>Đang tìm những hội viên có lẽ là cùng một người…</translation>
        </message>
        <message>
            <source>The search was stopped. Press F5 to look again.</source>
            <translation>Đã dừng tìm. Bấm F5 để tìm lại.</translation>
        </message>
        <message>
            <source>Member</source>
            <translation>Hội viên</translation>
        </message>
        <message>
            <source>Balance</source>
            <translation>Số dư</translation>
        </message>
        <message>
            <source>Overdraft</source>
            <translation>Nợ điểm</translation>
        </message>
        <message>
            <source>Cards</source>
            <translation>Thẻ</translation>
        </message>
        <message>
            <source>same phone</source>
            <translation>cùng số điện thoại</translation>
        </message>
        <message>
            <source>same e-mail</source>
            <translation>cùng e-mail</translation>
        </message>
        <message>
            <source>name alike, same birthday</source>
            <translation>tên giống nhau, cùng ngày sinh</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>Vì sao</translation>
        </message>
        <message>
            <source>Number they had</source>
            <translation>Số đã có</translation>
        </message>
        <message>
            <source>Kept</source>
            <translation>Được giữ</translation>
        </message>
        <message>
            <source>Choose a pair in the list first: the merge is shown before it is done.</source>
            <translation>Hãy chọn một cặp trong danh sách trước: việc gộp được xem trước khi thực hiện.</translation>
        </message>
        <message>
            <source>Wait for the preview of the merge, then press Merge.</source>
            <translation>Hãy chờ phần xem trước, rồi bấm Gộp.</translation>
        </message>
        <message>
            <source>Type why these two are one person, then press Merge.</source>
            <translation>Hãy nhập lý do hai hội viên này là một người, rồi bấm Gộp.</translation>
        </message>
        <message>
            <source>Choose a pair to see what merging them does.</source>
            <translation>Chọn một cặp để xem việc gộp sẽ làm gì.</translation>
        </message>
        <message>
            <source>none</source>
            <translation>không có</translation>
        </message>
        <message>
            <source>{name} (no. {number})</source>
            <translation>{name} (số {number})</translation>
        </message>
        <message>
            <source>Nothing was merged.</source>
            <translation>Chưa gộp gì.</translation>
        </message>
        <message>
            <source>No likely duplicates: no two members share a phone, an e-mail, or a birthday and a name.</source>
            <translation>Không có hội viên nào có thể bị trùng: không hai hội viên nào cùng số điện thoại, cùng e-mail, hoặc cùng ngày sinh và tên.</translation>
        </message>
        <message>
            <source>No. {merge} is merged into {name} (no. {keep}): {points} points now, cards and history together.</source>
            <translation>Đã gộp số {merge} vào {name} (số {keep}): hiện có {points} điểm, thẻ và lịch sử được gộp chung.</translation>
        </message>
        <message>
            <source>Working out the merge…</source>
            <translation>Đang tính việc gộp…</translation>
        </message>
        <message>
            <source>{digits} ({status})</source>
            <translation>{digits} ({status})</translation>
        </message>
        <message>
            <source>{points} points</source>
            <translation>{points} điểm</translation>
        </message>
        <message>
            <source>works</source>
            <translation>đang dùng</translation>
        </message>
        <message>
            <source>blocked</source>
            <translation>đã khóa</translation>
        </message>
        <message>
            <source>replaced</source>
            <translation>đã thay</translation>
        </message>
        <message>
            <source>Member no. {number} had a phone number that is not valid ({old}): correct it on the member's page; there is nobody to merge.</source>
            <translation>Hội viên số {number} có số điện thoại không hợp lệ ({old}): hãy sửa trên trang hội viên; không có ai để gộp.</translation>
        </message>
        <message>
            <source>Merging members needs a manager: no. {merge} into no. {keep}.</source>
            <translation>Gộp hội viên cần quản lý duyệt: số {merge} vào số {keep}.</translation>
        </message>
        <message>
            <source>{points} points, expire {day}</source>
            <translation>{points} điểm, hết hạn {day}</translation>
        </message>
        <message>
            <source>{points} points, no expiry</source>
            <translation>{points} điểm, không hết hạn</translation>
        </message>
        <message>
            <source>{points} points owed</source>
            <translation>nợ {points} điểm</translation>
        </message>
        <message>
            <source>Merge no. {merge} into no. {keep}: {name} keeps their number.</source>
            <translation>Gộp số {merge} vào số {keep}: {name} giữ số hội viên của mình.</translation>
        </message>
        <message>
            <source>Likely duplicates found: {total}; the {shown} most likely are listed.</source>
            <translation>Số cặp có thể bị trùng: {total}; danh sách hiện {shown} cặp khả năng cao nhất.</translation>
        </message>
        <message>
            <source>Likely duplicates found: {total}.</source>
            <translation>Số cặp có thể bị trùng: {total}.</translation>
        </message>
        <message>
            <source>Points, expiry</source>
            <translation>Điểm, hạn dùng</translation>
        </message>
        <message>
            <source>Consents</source>
            <translation>Đồng ý</translation>
        </message>
        <message>
            <source>Marketing</source>
            <translation>Nhận khuyến mãi</translation>
        </message>
        <message>
            <source>Personal offers</source>
            <translation>Ưu đãi cá nhân</translation>
        </message>
        <message>
            <source>Merged in</source>
            <translation>Gộp vào</translation>
        </message>
        <message>
            <source>After</source>
            <translation>Sau khi gộp</translation>
        </message>
        <message>
            <source>not asked</source>
            <translation>chưa hỏi</translation>
        </message>
        <message>
            <source>no. {number}</source>
            <translation>số {number}</translation>
        </message>
        <message>
            <source>born {day}</source>
            <translation>sinh ngày {day}</translation>
        </message>
        <message>
            <source>{purpose}: {answer}</source>
            <translation>{purpose}: {answer}</translation>
        </message>
        <message>
            <source>yes (text {version})</source>
            <translation>có (văn bản {version})</translation>
        </message>
        <message>
            <source>no (text {version})</source>
            <translation>không (văn bản {version})</translation>
        </message>
        <message>
            <source>Pair</source>
            <translation>Cặp</translation>
        </message>
        <message>
            <source>not a valid number</source>
            <translation>số không hợp lệ</translation>
        </message>
        <message>
            <source>same number as {who}</source>
            <translation>trùng số với {who}</translation>
        </message>
        <message>
            <source>names {score}% alike</source>
            <translation>tên giống {score}%</translation>
        </message>
        <message>
            <source>found {day}</source>
            <translation>phát hiện ngày {day}</translation>
        </message>
    </context>
    <context>
        <name>AuditLogPage</name>
        <message>
            <source>Audit</source>
            <translation>Nhật ký</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>Nhật ký kiểm tra</translation>
        </message>
        <message>
            <source>&amp;Staff</source>
            <translation>&amp;Nhân viên</translation>
        </message>
        <message>
            <source>Only what this member of staff did</source>
            <translation>Chỉ những việc nhân viên này đã làm</translation>
        </message>
        <message>
            <source>&amp;Action</source>
            <translation>&amp;Việc</translation>
        </message>
        <message>
            <source>Only this action</source>
            <translation>Chỉ việc này</translation>
        </message>
        <message>
            <source>&amp;Member</source>
            <translation>&amp;Hội viên</translation>
        </message>
        <message>
            <source>member no. or phone</source>
            <translation>số hội viên hoặc điện thoại</translation>
        </message>
        <message>
            <source>Only what is about this member</source>
            <translation>Chỉ những gì liên quan đến hội viên này</translation>
        </message>
        <message>
            <source>&amp;From</source>
            <translation>&amp;Từ ngày</translation>
        </message>
        <message>
            <source>&amp;To</source>
            <translation>Đến ngà&amp;y</translation>
        </message>
        <message>
            <source>From this day</source>
            <translation>Từ ngày này</translation>
        </message>
        <message>
            <source>Up to this day</source>
            <translation>Đến hết ngày này</translation>
        </message>
        <message>
            <source>Show (Enter)</source>
            <translation>Xem (Enter)</translation>
        </message>
        <message>
            <source>Show the records that match</source>
            <translation>Xem các bản ghi phù hợp</translation>
        </message>
        <message>
            <source>Clear</source>
            <translation>Xóa lọc</translation>
        </message>
        <message>
            <source>Clear the filters</source>
            <translation>Xóa các bộ lọc</translation>
        </message>
        <message>
            <source>Audit records</source>
            <translation>Các bản ghi nhật ký</translation>
        </message>
        <message>
            <source>Newer</source>
            <translation>Mới hơn</translation>
        </message>
        <message>
            <source>Newer records</source>
            <translation>Các bản ghi mới hơn</translation>
        </message>
        <message>
            <source>Older</source>
            <translation>Cũ hơn</translation>
        </message>
        <message>
            <source>Older records</source>
            <translation>Các bản ghi cũ hơn</translation>
        </message>
        <message>
            <source>Open the member (Enter)</source>
            <translation>Mở hội viên (Enter)</translation>
        </message>
        <message>
            <source>Open the member of the chosen record</source>
            <translation>Mở hội viên của bản ghi đang chọn</translation>
        </message>
        <message>
            <source>Check the hash chains</source>
            <translation>Kiểm tra chuỗi băm</translation>
        </message>
        <message>
            <source>Check the audit log and ledger hash chains</source>
            <translation>Kiểm tra chuỗi băm của nhật ký và sổ điểm</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Dừng</translation>
        </message>
        <message>
            <source>Stop the check</source>
            <translation>Dừng kiểm tra</translation>
        </message>
        <message>
            <source>Progress of the check</source>
            <translation>Tiến độ kiểm tra</translation>
        </message>
        <message>
            <source>Verdict of the check</source>
            <translation>Kết luận của lần kiểm tra</translation>
        </message>
        <message>
            <source>E&amp;xport to</source>
            <translation>&amp;Xuất ra</translation>
        </message>
        <message>
            <source>File to export the records to</source>
            <translation>Tệp để xuất các bản ghi</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>Chọn…</translation>
        </message>
        <message>
            <source>Choose the file</source>
            <translation>Chọn tệp</translation>
        </message>
        <message>
            <source>Export to CSV</source>
            <translation>Xuất ra CSV</translation>
        </message>
        <message>
            <source>Export the records that match to a CSV file</source>
            <translation>Xuất các bản ghi phù hợp ra tệp CSV</translation>
        </message>
        <message>
            <source>Progress of the export</source>
            <translation>Tiến độ xuất</translation>
        </message>
        <message>
            <source>Checking every audit record and ledger entry…</source>
            <translation>Đang kiểm tra từng bản ghi nhật ký và từng bút toán điểm…</translation>
        </message>
        <message>
            <source>The check was stopped before the end: no verdict.</source>
            <translation>Đã dừng kiểm tra trước khi xong: chưa có kết luận.</translation>
        </message>
        <message>
            <source>Program installed</source>
            <translation>Cài chương trình</translation>
        </message>
        <message>
            <source>Staff added</source>
            <translation>Thêm nhân viên</translation>
        </message>
        <message>
            <source>Signed in</source>
            <translation>Đăng nhập</translation>
        </message>
        <message>
            <source>Wrong PIN</source>
            <translation>Sai mã PIN</translation>
        </message>
        <message>
            <source>Manager approved</source>
            <translation>Quản lý đã duyệt</translation>
        </message>
        <message>
            <source>Staff card linked</source>
            <translation>Đã liên kết thẻ nhân viên</translation>
        </message>
        <message>
            <source>Staff card unlinked</source>
            <translation>Đã gỡ thẻ nhân viên</translation>
        </message>
        <message>
            <source>Card linked</source>
            <translation>Gắn thẻ</translation>
        </message>
        <message>
            <source>Card blocked</source>
            <translation>Khóa thẻ</translation>
        </message>
        <message>
            <source>Card replaced</source>
            <translation>Thay thẻ</translation>
        </message>
        <message>
            <source>Members merged</source>
            <translation>Gộp hội viên</translation>
        </message>
        <message>
            <source>Consent recorded</source>
            <translation>Ghi nhận đồng ý</translation>
        </message>
        <message>
            <source>Points adjusted</source>
            <translation>Điều chỉnh điểm</translation>
        </message>
        <message>
            <source>Large redemption approved</source>
            <translation>Duyệt đổi điểm lớn</translation>
        </message>
        <message>
            <source>Return</source>
            <translation>Trả hàng</translation>
        </message>
        <message>
            <source>Audit log exported</source>
            <translation>Xuất nhật ký</translation>
        </message>
        <message>
            <source>Entry reversed</source>
            <translation>Hủy bút toán</translation>
        </message>
        <message>
            <source>Member's data exported</source>
            <translation>Xuất dữ liệu hội viên</translation>
        </message>
        <message>
            <source>Member's data erased</source>
            <translation>Xóa dữ liệu hội viên</translation>
        </message>
        <message>
            <source>Overdraft left to recover</source>
            <translation>Để nợ điểm thu hồi sau</translation>
        </message>
        <message>
            <source>Overdraft written off</source>
            <translation>Xóa nợ điểm</translation>
        </message>
        <message>
            <source>Inbox item resolved</source>
            <translation>Xử lý mục đối soát</translation>
        </message>
        <message>
            <source>receipt {receipt}: {reversed} points taken back, {restored} given back</source>
            <translation>hóa đơn {receipt}: thu lại {reversed} điểm, trả lại {restored} điểm</translation>
        </message>
        <message>
            <source>System</source>
            <translation>Hệ thống</translation>
        </message>
        <message>
            <source>dd/mm/yyyy</source>
            <translation>dd/mm/yyyy</translation>
        </message>
        <message>
            <source>When</source>
            <translation>Lúc</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>Nhân viên</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>Việc</translation>
        </message>
        <message>
            <source>Member</source>
            <translation>Hội viên</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>Chi tiết</translation>
        </message>
        <message>
            <source>Only a manager can read the audit log. Ask a manager to sign in (Ctrl+L, then switch).</source>
            <translation>Chỉ quản lý mới được xem nhật ký kiểm tra. Hãy nhờ quản lý đăng nhập (Ctrl+L, rồi đổi người).</translation>
        </message>
        <message>
            <source>The end day comes before the start day: swap them.</source>
            <translation>Ngày kết thúc đứng trước ngày bắt đầu: hãy đổi chỗ hai ngày.</translation>
        </message>
        <message>
            <source>Type the day as dd/mm/yyyy, e.g. 02/03/2026.</source>
            <translation>Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 02/03/2026.</translation>
        </message>
        <message>
            <source>Choose a record first.</source>
            <translation>Hãy chọn một bản ghi trước.</translation>
        </message>
        <message>
            <source>This record is not about a member.</source>
            <translation>Bản ghi này không liên quan đến hội viên nào.</translation>
        </message>
        <message>
            <source>{records} audit records and {entries} ledger entries of {tills} till(s) checked.</source>
            <translation>Đã kiểm tra {records} bản ghi nhật ký và {entries} bút toán điểm của {tills} quầy.</translation>
        </message>
        <message>
            <source>Audit record {seq} was changed after it was written.</source>
            <translation>Bản ghi nhật ký {seq} đã bị sửa sau khi được ghi.</translation>
        </message>
        <message>
            <source>Audit records {first} to {last} are missing: they were deleted.</source>
            <translation>Thiếu các bản ghi nhật ký từ {first} đến {last}: chúng đã bị xóa.</translation>
        </message>
        <message>
            <source>Audit record {seq} does not follow the record before it: a record was inserted, replaced or moved.</source>
            <translation>Bản ghi nhật ký {seq} không nối tiếp bản ghi trước nó: có bản ghi đã bị chèn, thay hoặc dời chỗ.</translation>
        </message>
        <message>
            <source>Audit record {seq} has details that cannot be read.</source>
            <translation>Bản ghi nhật ký {seq} có phần chi tiết không đọc được.</translation>
        </message>
        <message>
            <source>Audit records {first} to {last} were removed from the end.</source>
            <translation>Các bản ghi nhật ký từ {first} đến {last} đã bị xóa ở cuối.</translation>
        </message>
        <message>
            <source>Ledger entry {seq} of till {till} was changed after it was written.</source>
            <translation>Bút toán {seq} của quầy {till} đã bị sửa sau khi được ghi.</translation>
        </message>
        <message>
            <source>Ledger entries {first} to {last} of till {till} are missing: they were deleted.</source>
            <translation>Thiếu các bút toán từ {first} đến {last} của quầy {till}: chúng đã bị xóa.</translation>
        </message>
        <message>
            <source>Ledger entry {seq} of till {till} does not follow the entry before it: an entry was inserted, replaced or moved.</source>
            <translation>Bút toán {seq} của quầy {till} không nối tiếp bút toán trước nó: có bút toán đã bị chèn, thay hoặc dời chỗ.</translation>
        </message>
        <message>
            <source>Ledger entries {first} to {last} of till {till} were removed from the end.</source>
            <translation>Các bút toán từ {first} đến {last} của quầy {till} đã bị xóa ở cuối.</translation>
        </message>
        <message>
            <source>Ledger entries {first} to {last} of till {till} were added outside the till.</source>
            <translation>Các bút toán từ {first} đến {last} của quầy {till} đã được thêm từ bên ngoài quầy.</translation>
        </message>
        <message>
            <source>The last ledger entry of till {till} (entry {seq}) is not the one the till wrote.</source>
            <translation>Bút toán cuối của quầy {till} (bút toán {seq}) không phải bút toán do quầy ghi.</translation>
        </message>
        <message>
            <source>Till {till} has ledger entries but no record of where its chain ends.</source>
            <translation>Quầy {till} có bút toán nhưng không có ghi nhận điểm cuối của chuỗi.</translation>
        </message>
        <message>
            <source>Export the audit records to</source>
            <translation>Xuất các bản ghi nhật ký ra</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>Tệp CSV (*.csv)</translation>
        </message>
        <message>
            <source>Type the file to export to, or press Choose…</source>
            <translation>Hãy nhập tệp để xuất, hoặc bấm Chọn…</translation>
        </message>
        <message>
            <source>Reading…</source>
            <translation>Đang đọc…</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>có</translation>
        </message>
        <message>
            <source>no</source>
            <translation>không</translation>
        </message>
        <message>
            <source>{name} (no. {number})</source>
            <translation>{name} (số {number})</translation>
        </message>
        <message>
            <source>The hash chains show whether anything was changed outside the till. Check them now.</source>
            <translation>Chuỗi băm cho biết có gì bị thay đổi từ bên ngoài quầy hay không. Hãy kiểm tra ngay.</translation>
        </message>
        <message>
            <source>Broken: the database was changed outside the till ({audit} problem(s) in the audit log, {ledger} in the ledger). Keep this file and call the store's support. {counts}</source>
            <translation>Đã bị phá vỡ: cơ sở dữ liệu đã bị thay đổi từ bên ngoài quầy ({audit} lỗi trong nhật ký, {ledger} lỗi trong sổ điểm). Hãy giữ nguyên tệp này và gọi bộ phận hỗ trợ của cửa hàng. {counts}</translation>
        </message>
        <message>
            <source>{count} records written to {path}.</source>
            <translation>Đã ghi {count} bản ghi vào {path}.</translation>
        </message>
        <message>
            <source>{points} points: {reason}</source>
            <translation>{points} điểm: {reason}</translation>
        </message>
        <message>
            <source>no. {source} into no. {target}: {reason}</source>
            <translation>số {source} vào số {target}: {reason}</translation>
        </message>
        <message>
            <source>to member no. {number}</source>
            <translation>cho hội viên số {number}</translation>
        </message>
        <message>
            <source>by card</source>
            <translation>bằng thẻ</translation>
        </message>
        <message>
            <source>with code and PIN</source>
            <translation>bằng mã và PIN</translation>
        </message>
        <message>
            <source>to staff {code}</source>
            <translation>cho nhân viên {code}</translation>
        </message>
        <message>
            <source>{points} points</source>
            <translation>{points} điểm</translation>
        </message>
        <message>
            <source>marketing</source>
            <translation>khuyến mãi</translation>
        </message>
        <message>
            <source>personalisation</source>
            <translation>cá nhân hóa</translation>
        </message>
        <message>
            <source>{purpose}: {answer} (text {version})</source>
            <translation>{purpose}: {answer} (văn bản {version})</translation>
        </message>
        <message>
            <source>No single member matches {text}: type their member number or full phone number.</source>
            <translation>Không có đúng một hội viên khớp với {text}: hãy nhập số hội viên hoặc đủ số điện thoại.</translation>
        </message>
        <message>
            <source>Intact: nothing was changed, removed or added outside the till. {counts}</source>
            <translation>Nguyên vẹn: không có gì bị sửa, xóa hay thêm từ bên ngoài quầy. {counts}</translation>
        </message>
        <message>
            <source>… and {count} more.</source>
            <translation>… và {count} lỗi khác.</translation>
        </message>
        <message>
            <source>{path} already exists: choose another name, nothing was overwritten.</source>
            <translation>{path} đã có: hãy chọn tên khác, không có gì bị ghi đè.</translation>
        </message>
        <message>
            <source>No record matches.</source>
            <translation>Không có bản ghi nào phù hợp.</translation>
        </message>
        <message>
            <source>Anyone</source>
            <translation>Mọi người</translation>
        </message>
        <message>
            <source>Any action</source>
            <translation>Mọi việc</translation>
        </message>
        <message>
            <source>Records {newest} to {oldest}, newest first ({size} a page).</source>
            <translation>Bản ghi {newest} đến {oldest}, mới nhất trước ({size} bản ghi mỗi trang).</translation>
        </message>
        <message>
            <source>Staff deactivated</source>
            <translation>Ngừng hoạt động nhân viên</translation>
        </message>
        <message>
            <source>Staff reactivated</source>
            <translation>Kích hoạt lại nhân viên</translation>
        </message>
        <message>
            <source>PIN reset</source>
            <translation>Đặt lại mã PIN</translation>
        </message>
        <message>
            <source>Role changed</source>
            <translation>Đổi vai trò</translation>
        </message>
        <message>
            <source>staff {code}</source>
            <translation>nhân viên {code}</translation>
        </message>
        <message>
            <source>cashier</source>
            <translation>thu ngân</translation>
        </message>
        <message>
            <source>manager</source>
            <translation>quản lý</translation>
        </message>
        <message>
            <source>staff {code}: {was} → {role}</source>
            <translation>nhân viên {code}: {was} → {role}</translation>
        </message>
    </context>
    <context>
        <name>MembersPage</name>
        <message>
            <source>Members</source>
            <translation>Hội viên</translation>
        </message>
        <message>
            <source>&amp;Search</source>
            <translation>&amp;Tìm</translation>
        </message>
        <message>
            <source>Name, phone, e-mail, member number or card</source>
            <translation>Tên, điện thoại, e-mail, số hội viên hoặc thẻ</translation>
        </message>
        <message>
            <source>Search members</source>
            <translation>Tìm hội viên</translation>
        </message>
        <message>
            <source>&amp;Tier</source>
            <translation>&amp;Hạng</translation>
        </message>
        <message>
            <source>St&amp;atus</source>
            <translation>T&amp;rạng thái</translation>
        </message>
        <message>
            <source>Sort &amp;by</source>
            <translation>&amp;Sắp xếp</translation>
        </message>
        <message>
            <source>All tiers</source>
            <translation>Mọi hạng</translation>
        </message>
        <message>
            <source>All statuses</source>
            <translation>Mọi trạng thái</translation>
        </message>
        <message>
            <source>Filter by tier</source>
            <translation>Lọc theo hạng</translation>
        </message>
        <message>
            <source>Filter by status</source>
            <translation>Lọc theo trạng thái</translation>
        </message>
        <message>
            <source>Sort by</source>
            <translation>Sắp xếp theo</translation>
        </message>
        <message>
            <source>Members found</source>
            <translation>Hội viên tìm thấy</translation>
        </message>
        <message>
            <source>Name, A to Z</source>
            <translation>Tên, A đến Z</translation>
        </message>
        <message>
            <source>Name, Z to A</source>
            <translation>Tên, Z đến A</translation>
        </message>
        <message>
            <source>Member number, lowest first</source>
            <translation>Số hội viên, nhỏ trước</translation>
        </message>
        <message>
            <source>Member number, highest first</source>
            <translation>Số hội viên, lớn trước</translation>
        </message>
        <message>
            <source>Points, most first</source>
            <translation>Điểm, nhiều trước</translation>
        </message>
        <message>
            <source>Points, fewest first</source>
            <translation>Điểm, ít trước</translation>
        </message>
        <message>
            <source>Last visit, most recent first</source>
            <translation>Lần ghé, gần đây nhất trước</translation>
        </message>
        <message>
            <source>Last visit, longest ago first</source>
            <translation>Lần ghé, lâu nhất trước</translation>
        </message>
        <message>
            <source>Tier, highest first</source>
            <translation>Hạng, cao trước</translation>
        </message>
        <message>
            <source>Tier, lowest first</source>
            <translation>Hạng, thấp trước</translation>
        </message>
        <message>
            <source>Looking…</source>
            <translation>Đang tìm…</translation>
        </message>
        <message>
            <source>No member matches. Accents are optional; a phone number may be typed any way.</source>
            <translation>Không có hội viên nào khớp. Có thể gõ không dấu; số điện thoại gõ kiểu nào cũng được.</translation>
        </message>
        <message>
            <source>{count} members</source>
            <translation>{count} hội viên</translation>
        </message>
        <message>
            <source>More than {count} members: type more, or choose a tier or a status.</source>
            <translation>Hơn {count} hội viên: hãy gõ thêm, hoặc chọn hạng hay trạng thái.</translation>
        </message>
    </context>
    <context>
        <name>MemberListModel</name>
        <message>
            <source>Name</source>
            <translation>Họ tên</translation>
        </message>
        <message>
            <source>Member no.</source>
            <translation>Số hội viên</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Điện thoại</translation>
        </message>
        <message>
            <source>Tier</source>
            <translation>Hạng</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>Điểm</translation>
        </message>
        <message>
            <source>Last visit</source>
            <translation>Lần ghé cuối</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Trạng thái</translation>
        </message>
        <message>
            <source>Active</source>
            <translation>Hoạt động</translation>
        </message>
        <message>
            <source>Merged</source>
            <translation>Đã gộp</translation>
        </message>
        <message>
            <source>Erased</source>
            <translation>Đã xóa</translation>
        </message>
        <message>
            <source>never</source>
            <translation>chưa ghé</translation>
        </message>
    </context>
    <context>
        <name>Member360Page</name>
        <message>
            <source>Only an active member's profile can be corrected, by staff who enrol.</source>
            <translation>Chỉ sửa được hồ sơ của hội viên đang hoạt động, do nhân viên được phép đăng ký hội viên.</translation>
        </message>
        <message>
            <source>Correct the &amp;profile…</source>
            <translation>Sửa &amp;hồ sơ…</translation>
        </message>
        <message>
            <source>Correct the name, phone number or e-mail address</source>
            <translation>Sửa họ tên, số điện thoại hoặc địa chỉ e-mail</translation>
        </message>
        <message>
            <source>Member</source>
            <translation>Hồ sơ</translation>
        </message>
        <message>
            <source>Choose the entry to reverse in the history (arrow keys), then press Enter.</source>
            <translation>Hãy chọn bút toán cần đảo trong lịch sử (phím mũi tên), rồi nhấn Enter.</translation>
        </message>
        <message>
            <source>Only a manager can adjust or reverse points. Ask a manager to sign in.</source>
            <translation>Chỉ quản lý mới được điều chỉnh hoặc đảo điểm. Hãy nhờ quản lý đăng nhập.</translation>
        </message>
        <message>
            <source>Open a member from the Members page: search, then Enter.</source>
            <translation>Hãy mở một hội viên từ trang Hội viên: tìm kiếm, rồi nhấn Enter.</translation>
        </message>
        <message>
            <source>&amp;Adjust points…</source>
            <translation>Điều &amp;chỉnh điểm…</translation>
        </message>
        <message>
            <source>Adjust points</source>
            <translation>Điều chỉnh điểm</translation>
        </message>
        <message>
            <source>&amp;Reverse an entry…</source>
            <translation>Đảo &amp;bút toán…</translation>
        </message>
        <message>
            <source>Reverse the entry chosen in the history</source>
            <translation>Đảo bút toán đã chọn trong lịch sử</translation>
        </message>
        <message>
            <source>&amp;Overview</source>
            <translation>&amp;Tổng quan</translation>
        </message>
        <message>
            <source>&amp;History</source>
            <translation>&amp;Lịch sử</translation>
        </message>
        <message>
            <source>&amp;Why this balance?</source>
            <translation>&amp;Vì sao có số điểm này?</translation>
        </message>
        <message>
            <source>Member pages</source>
            <translation>Các trang của hội viên</translation>
        </message>
        <message>
            <source>Open the member this one was merged into</source>
            <translation>Mở hội viên đã được gộp vào</translation>
        </message>
        <message>
            <source>Profile</source>
            <translation>Thông tin cá nhân</translation>
        </message>
        <message>
            <source>Consents</source>
            <translation>Đồng ý</translation>
        </message>
        <message>
            <source>Cards</source>
            <translation>Thẻ</translation>
        </message>
        <message>
            <source>No consent recorded: no offers, nothing personalised.</source>
            <translation>Chưa ghi nhận đồng ý nào: không gửi khuyến mãi, không cá nhân hóa.</translation>
        </message>
        <message>
            <source>No card: the member is found by phone, name or number.</source>
            <translation>Chưa có thẻ: tìm hội viên theo số điện thoại, tên hoặc số hội viên.</translation>
        </message>
        <message>
            <source>Tier</source>
            <translation>Hạng</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>Điểm</translation>
        </message>
        <message>
            <source>Purchases and visits</source>
            <translation>Mua hàng và lượt ghé</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Điện thoại</translation>
        </message>
        <message>
            <source>E-mail</source>
            <translation>E-mail</translation>
        </message>
        <message>
            <source>Birthday</source>
            <translation>Ngày sinh</translation>
        </message>
        <message>
            <source>Enrolled</source>
            <translation>Ngày tham gia</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Ngôn ngữ</translation>
        </message>
        <message>
            <source>Home store</source>
            <translation>Cửa hàng đăng ký</translation>
        </message>
        <message>
            <source>Referral code</source>
            <translation>Mã giới thiệu</translation>
        </message>
        <message>
            <source>Referred by</source>
            <translation>Người giới thiệu</translation>
        </message>
        <message>
            <source>Merged into</source>
            <translation>Đã gộp vào</translation>
        </message>
        <message>
            <source>Earned</source>
            <translation>Ngày tích</translation>
        </message>
        <message>
            <source>Left</source>
            <translation>Còn lại</translation>
        </message>
        <message>
            <source>Expires</source>
            <translation>Hết hạn</translation>
        </message>
        <message>
            <source>Points and when they expire</source>
            <translation>Điểm và ngày hết hạn</translation>
        </message>
        <message>
            <source>Progress to the next tier</source>
            <translation>Tiến độ lên hạng tiếp theo</translation>
        </message>
        <message>
            <source>History</source>
            <translation>Lịch sử</translation>
        </message>
        <message>
            <source>Newest first; more entries load as you scroll. Choose an entry and press Enter to reverse it.</source>
            <translation>Mới nhất ở trên; cuộn xuống để tải thêm. Chọn một bút toán và nhấn Enter để đảo.</translation>
        </message>
        <message>
            <source>When</source>
            <translation>Thời gian</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Nội dung</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>Lũy kế</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>Chi tiết</translation>
        </message>
        <message>
            <source>Why this balance</source>
            <translation>Vì sao có số điểm này</translation>
        </message>
        <message>
            <source>Every entry since the member joined, oldest first, with the running total. The last total is the balance.</source>
            <translation>Mọi bút toán từ khi hội viên tham gia, cũ nhất ở trên, kèm số điểm lũy kế. Số lũy kế cuối cùng là số dư.</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Đang tải…</translation>
        </message>
        <message>
            <source> — merged</source>
            <translation> — đã gộp</translation>
        </message>
        <message>
            <source> — erased</source>
            <translation> — đã xóa dữ liệu</translation>
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
            <source>{name} (no. {number})</source>
            <translation>{name} (số {number})</translation>
        </message>
        <message>
            <source>Open {name}</source>
            <translation>Mở {name}</translation>
        </message>
        <message>
            <source>{purpose}: {answer}{in_force}. Words {version}, {when}, by {staff}.</source>
            <translation>{purpose}: {answer}{in_force}. Phiên bản lời văn {version}, {when}, do {staff} ghi nhận.</translation>
        </message>
        <message>
            <source>agreed</source>
            <translation>đồng ý</translation>
        </message>
        <message>
            <source>declined</source>
            <translation>không đồng ý</translation>
        </message>
        <message>
            <source> (in force)</source>
            <translation> (đang áp dụng)</translation>
        </message>
        <message>
            <source>{card}, {kind}, issued {issued}: {status}{reason}</source>
            <translation>{card}, {kind}, cấp ngày {issued}: {status}{reason}</translation>
        </message>
        <message>
            <source> ({reason})</source>
            <translation> ({reason})</translation>
        </message>
        <message>
            <source>{purchases} purchases, {spend} in all (less refunds). {visits} visits (days with a purchase). First purchase: {first}. Last visit: {last}.</source>
            <translation>{purchases} lần mua, tổng {spend} (đã trừ hoàn tiền). {visits} lượt ghé (số ngày có mua hàng). Lần mua đầu: {first}. Lần ghé gần nhất: {last}.</translation>
        </message>
        <message>
            <source>never</source>
            <translation>chưa có</translation>
        </message>
        <message>
            <source>This program has no tiers.</source>
            <translation>Chương trình này không có hạng.</translation>
        </message>
        <message>
            <source>{tier} since {since}; next review on {review}.</source>
            <translation>Hạng {tier} từ {since}; xét hạng lại vào {review}.</translation>
        </message>
        <message>
            <source>Qualifying spend {spent}; {more} more to {tier}.</source>
            <translation>Chi tiêu xét hạng {spent}; cần thêm {more} để lên {tier}.</translation>
        </message>
        <message>
            <source>Qualifying spend {spent}; top tier.</source>
            <translation>Chi tiêu xét hạng {spent}; hạng cao nhất.</translation>
        </message>
        <message>
            <source>{points} points expire within 30 days (the first on {date}).</source>
            <translation>{points} điểm hết hạn trong 30 ngày tới (sớm nhất vào {date}).</translation>
        </message>
        <message>
            <source>No points expire within 30 days.</source>
            <translation>Không có điểm nào hết hạn trong 30 ngày tới.</translation>
        </message>
        <message>
            <source>Overdraft: the member owes {points} points (since {since}: {reason}). Their next purchases pay it off.</source>
            <translation>Nợ điểm: hội viên đang nợ {points} điểm (từ {since}: {reason}). Các lần mua sau sẽ trả dần.</translation>
        </message>
        <message>
            <source> (passed, written off at the next expiry run)</source>
            <translation> (đã qua, sẽ ghi hết hạn ở lần chạy tiếp theo)</translation>
        </message>
        <message>
            <source>Total: {total} points = the balance.</source>
            <translation>Lũy kế: {total} điểm = số dư.</translation>
        </message>
        <message>
            <source>{points} points expired in all.</source>
            <translation>Tổng cộng {points} điểm đã hết hạn.</translation>
        </message>
        <message>
            <source>receipt {receipt}</source>
            <translation>hóa đơn {receipt}</translation>
        </message>
        <message>
            <source>expires {date}</source>
            <translation>hết hạn {date}</translation>
        </message>
        <message>
            <source>expired: {lots}</source>
            <translation>hết hạn: {lots}</translation>
        </message>
        <message>
            <source>{points} of the {kind} of {date}</source>
            <translation>{points} điểm của lần {kind} ngày {date}</translation>
        </message>
        <message>
            <source>{points} points owed (overdraft)</source>
            <translation>nợ {points} điểm</translation>
        </message>
        <message>
            <source>by {name}</source>
            <translation>do {name} thực hiện</translation>
        </message>
        <message>
            <source>Offers and news</source>
            <translation>Khuyến mãi và tin tức</translation>
        </message>
        <message>
            <source>Personal offers</source>
            <translation>Ưu đãi cá nhân hóa</translation>
        </message>
        <message>
            <source>active</source>
            <translation>đang dùng</translation>
        </message>
        <message>
            <source>blocked</source>
            <translation>đã khóa</translation>
        </message>
        <message>
            <source>replaced</source>
            <translation>đã thay thế</translation>
        </message>
        <message>
            <source>NFC card</source>
            <translation>Thẻ NFC</translation>
        </message>
        <message>
            <source>NFC card (NDEF)</source>
            <translation>Thẻ NFC (NDEF)</translation>
        </message>
        <message>
            <source>Secure NFC card</source>
            <translation>Thẻ NFC bảo mật</translation>
        </message>
        <message>
            <source>Barcode</source>
            <translation>Mã vạch</translation>
        </message>
        <message>
            <source>QR code</source>
            <translation>Mã QR</translation>
        </message>
        <message>
            <source>Phone wallet</source>
            <translation>Ví điện thoại</translation>
        </message>
        <message>
            <source>a return after the points were spent</source>
            <translation>trả hàng sau khi điểm đã được dùng</translation>
        </message>
        <message>
            <source>a reversal after the points were spent</source>
            <translation>đảo bút toán sau khi điểm đã được dùng</translation>
        </message>
        <message>
            <source>a referral bonus taken back after the points were spent</source>
            <translation>thu hồi thưởng giới thiệu sau khi điểm đã được dùng</translation>
        </message>
        <message>
            <source>moved here by a merge</source>
            <translation>chuyển sang khi gộp hội viên</translation>
        </message>
    </context>
    <context>
        <name>HistoryModel</name>
        <message>
            <source>When</source>
            <translation>Thời gian</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Nội dung</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>Điểm</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>Số tiền</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>Lý do</translation>
        </message>
        <message>
            <source>Who, where</source>
            <translation>Ai, ở đâu</translation>
        </message>
        <message>
            <source>Program</source>
            <translation>Chương trình</translation>
        </message>
        <message>
            <source>{kind}
receipt {receipt}</source>
            <translation>{kind}
hóa đơn {receipt}</translation>
        </message>
        <message>
            <source>{staff}
{where}</source>
            <translation>{staff}
{where}</translation>
        </message>
        <message>
            <source>reward: {name}</source>
            <translation>quà: {name}</translation>
        </message>
        <message>
            <source>the till</source>
            <translation>máy tính tiền</translation>
        </message>
        <message>
            <source>set-up</source>
            <translation>cài đặt ban đầu</translation>
        </message>
        <message>
            <source>store {store}, till {till}, {channel}</source>
            <translation>cửa hàng {store}, máy {till}, {channel}</translation>
        </message>
        <message>
            <source>till {till}, {channel}</source>
            <translation>máy {till}, {channel}</translation>
        </message>
        <message>
            <source>reverses the {kind} of {when}</source>
            <translation>đảo lần {kind} lúc {when}</translation>
        </message>
        <message>
            <source>reverses entry {entry}</source>
            <translation>đảo bút toán {entry}</translation>
        </message>
        <message>
            <source>reversed later</source>
            <translation>đã bị đảo sau đó</translation>
        </message>
    </context>
    <context>
        <name>CorrectionPanel</name>
        <message>
            <source>Correction</source>
            <translation>Điều chỉnh</translation>
        </message>
        <message>
            <source>&amp;Points to add or take</source>
            <translation>&amp;Số điểm cộng hoặc trừ</translation>
        </message>
        <message>
            <source>e.g. +500 or -200</source>
            <translation>ví dụ +500 hoặc -200</translation>
        </message>
        <message>
            <source>Points to add or take</source>
            <translation>Số điểm cộng hoặc trừ</translation>
        </message>
        <message>
            <source>A plus sign (or none) adds points; a minus sign takes them.</source>
            <translation>Dấu cộng (hoặc không dấu) là cộng điểm; dấu trừ là trừ điểm.</translation>
        </message>
        <message>
            <source>R&amp;eason (required)</source>
            <translation>&amp;Lý do (bắt buộc)</translation>
        </message>
        <message>
            <source>e.g. points of a sale rung up on the wrong member</source>
            <translation>ví dụ điểm của hóa đơn tính nhầm cho hội viên khác</translation>
        </message>
        <message>
            <source>Reason for the correction</source>
            <translation>Lý do điều chỉnh</translation>
        </message>
        <message>
            <source>Confirm (Enter)</source>
            <translation>Xác nhận (Enter)</translation>
        </message>
        <message>
            <source>Confirm the correction</source>
            <translation>Xác nhận điều chỉnh</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Đóng</translation>
        </message>
        <message>
            <source>Close the correction</source>
            <translation>Đóng phần điều chỉnh</translation>
        </message>
        <message>
            <source>Type the points to add (e.g. +500) or to take (e.g. -200).</source>
            <translation>Hãy gõ số điểm cần cộng (ví dụ +500) hoặc cần trừ (ví dụ -200).</translation>
        </message>
        <message>
            <source>Type a whole number of points other than zero, e.g. +500 or -200.</source>
            <translation>Hãy gõ số điểm nguyên khác 0, ví dụ +500 hoặc -200.</translation>
        </message>
        <message>
            <source>This correction is recorded. Close it, or open another.</source>
            <translation>Điều chỉnh này đã được ghi nhận. Hãy đóng lại hoặc mở điều chỉnh khác.</translation>
        </message>
        <message>
            <source>Only a manager can correct points. Ask a manager to sign in.</source>
            <translation>Chỉ quản lý mới được điều chỉnh điểm. Hãy nhờ quản lý đăng nhập.</translation>
        </message>
        <message>
            <source>Type the reason: it is kept with the correction and in the audit log.</source>
            <translation>Hãy gõ lý do: lý do được lưu cùng điều chỉnh và trong nhật ký kiểm tra.</translation>
        </message>
        <message>
            <source>Check what the correction does, then press Enter again to confirm.</source>
            <translation>Hãy xem điều chỉnh sẽ làm gì, rồi nhấn Enter lần nữa để xác nhận.</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Đang lưu…</translation>
        </message>
        <message>
            <source>Adjustment recorded: {points} points. {name} now has {balance} points.</source>
            <translation>Đã ghi nhận điều chỉnh: {points} điểm. {name} hiện có {balance} điểm.</translation>
        </message>
        <message>
            <source>Reversal recorded: {points} points. {name} now has {balance} points.</source>
            <translation>Đã ghi nhận bút toán đảo: {points} điểm. {name} hiện có {balance} điểm.</translation>
        </message>
        <message>
            <source>Already recorded, nothing new was written.</source>
            <translation>Đã ghi nhận trước đó, không ghi thêm.</translation>
        </message>
        <message>
            <source>Adjust the points of {name}</source>
            <translation>Điều chỉnh điểm của {name}</translation>
        </message>
        <message>
            <source>Now: {balance} points. Adjustments are for mistakes and goodwill; they are audited.</source>
            <translation>Hiện có: {balance} điểm. Điều chỉnh dùng để sửa sai sót hoặc tặng điểm thiện chí; mọi điều chỉnh đều được ghi nhật ký.</translation>
        </message>
        <message>
            <source>Reverse an entry of {name}</source>
            <translation>Đảo một bút toán của {name}</translation>
        </message>
        <message>
            <source>{kind} of {when}: {points} points{receipt}. A new entry will undo it and name it.</source>
            <translation>{kind} lúc {when}: {points} điểm{receipt}. Một bút toán mới sẽ hủy tác dụng của nó và ghi rõ bút toán bị đảo.</translation>
        </message>
        <message>
            <source>, receipt {receipt}</source>
            <translation>, hóa đơn {receipt}</translation>
        </message>
        <message>
            <source>What the correction did</source>
            <translation>Điều chỉnh đã làm gì</translation>
        </message>
        <message>
            <source>What the correction does</source>
            <translation>Điều chỉnh sẽ làm gì</translation>
        </message>
        <message>
            <source>Working out the effect…</source>
            <translation>Đang tính kết quả…</translation>
        </message>
        <message>
            <source>Balance: {before} → {after} points ({change})</source>
            <translation>Số dư: {before} → {after} điểm ({change})</translation>
        </message>
        <message>
            <source>… and {count} more lots.</source>
            <translation>… và {count} lô điểm khác.</translation>
        </message>
        <message>
            <source>No lot changes.</source>
            <translation>Không lô điểm nào thay đổi.</translation>
        </message>
        <message>
            <source>Overdraft: {points} of these points were already spent. The member owes them; their next purchases pay them off.</source>
            <translation>Nợ điểm: {points} điểm trong số này đã được dùng. Hội viên nợ số điểm đó; các lần mua sau sẽ trả dần.</translation>
        </message>
        <message>
            <source>{points} of these points pay off what the member owed (an overdraft).</source>
            <translation>{points} điểm trong số này trả khoản nợ điểm của hội viên.</translation>
        </message>
        <message>
            <source>No overdraft.</source>
            <translation>Không phát sinh nợ điểm.</translation>
        </message>
        <message>
            <source>never</source>
            <translation>không hết hạn</translation>
        </message>
        <message>
            <source>New lot of {points} points, expires {expiry}</source>
            <translation>Lô điểm mới {points} điểm, hết hạn {expiry}</translation>
        </message>
        <message>
            <source>{points} points taken from the {kind} of {earned} (expires {expiry})</source>
            <translation>Trừ {points} điểm từ lần {kind} ngày {earned} (hết hạn {expiry})</translation>
        </message>
    </context>
    <context>
        <name>EntryKind</name>
        <message>
            <source>Purchase</source>
            <translation>Mua hàng</translation>
        </message>
        <message>
            <source>Redemption</source>
            <translation>Đổi điểm</translation>
        </message>
        <message>
            <source>Bonus</source>
            <translation>Thưởng</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>Hoạt động</translation>
        </message>
        <message>
            <source>Adjustment</source>
            <translation>Điều chỉnh</translation>
        </message>
        <message>
            <source>Expiry</source>
            <translation>Hết hạn</translation>
        </message>
        <message>
            <source>Reversal</source>
            <translation>Bút toán đảo</translation>
        </message>
        <message>
            <source>Transfer</source>
            <translation>Chuyển điểm</translation>
        </message>
        <message>
            <source>Expiry due, not written yet</source>
            <translation>Đến hạn, chưa ghi hết hạn</translation>
        </message>
        <message>
            <source>counter</source>
            <translation>quầy</translation>
        </message>
        <message>
            <source>web shop</source>
            <translation>cửa hàng trực tuyến</translation>
        </message>
        <message>
            <source>app</source>
            <translation>ứng dụng</translation>
        </message>
        <message>
            <source>call centre</source>
            <translation>tổng đài</translation>
        </message>
        <message>
            <source>welcome bonus</source>
            <translation>thưởng chào mừng</translation>
        </message>
        <message>
            <source>points expired</source>
            <translation>điểm hết hạn</translation>
        </message>
        <message>
            <source>return</source>
            <translation>trả hàng</translation>
        </message>
        <message>
            <source>return: redeemed points restored</source>
            <translation>trả hàng: hoàn lại điểm đã đổi</translation>
        </message>
        <message>
            <source>return: referral bonus reversed (qualifying purchase refunded)</source>
            <translation>trả hàng: thu hồi thưởng giới thiệu (hóa đơn đủ điều kiện đã hoàn tiền)</translation>
        </message>
        <message>
            <source>referral: welcome</source>
            <translation>giới thiệu: thưởng chào mừng</translation>
        </message>
        <message>
            <source>referral: friend's first purchase</source>
            <translation>giới thiệu: lần mua đầu của bạn được giới thiệu</translation>
        </message>
    </context>
    <context>
        <name>StaffPage</name>
        <message>
            <source>Staff</source>
            <translation>Nhân viên</translation>
        </message>
        <message>
            <source>Active</source>
            <translation>Đang hoạt động</translation>
        </message>
        <message>
            <source>Who can sign in at this till. A change holds from the person's next sign-in, and at once for a manager's approval.</source>
            <translation>Những người được đăng nhập ở quầy này. Thay đổi có hiệu lực từ lần đăng nhập tiếp theo của người đó, và ngay lập tức với việc quản lý duyệt.</translation>
        </message>
        <message>
            <source>Staff of this till</source>
            <translation>Nhân viên của quầy này</translation>
        </message>
        <message>
            <source>&amp;Add staff…</source>
            <translation>&amp;Thêm nhân viên…</translation>
        </message>
        <message>
            <source>Add a member of staff</source>
            <translation>Thêm một nhân viên</translation>
        </message>
        <message>
            <source>Reset the &amp;PIN…</source>
            <translation>Đặt &amp;lại mã PIN…</translation>
        </message>
        <message>
            <source>Give the chosen person a new PIN</source>
            <translation>Cấp mã PIN mới cho người đã chọn</translation>
        </message>
        <message>
            <source>Change the &amp;role…</source>
            <translation>Đổi &amp;vai trò…</translation>
        </message>
        <message>
            <source>Change the chosen person's role</source>
            <translation>Đổi vai trò của người đã chọn</translation>
        </message>
        <message>
            <source>Staff &amp;code</source>
            <translation>Mã &amp;nhân viên</translation>
        </message>
        <message>
            <source>2 to 8 digits, e.g. 1002</source>
            <translation>2 đến 8 chữ số, ví dụ 1002</translation>
        </message>
        <message>
            <source>Staff code</source>
            <translation>Mã nhân viên</translation>
        </message>
        <message>
            <source>&amp;Name</source>
            <translation>&amp;Họ tên</translation>
        </message>
        <message>
            <source>as colleagues call them, e.g. Bình</source>
            <translation>tên đồng nghiệp thường gọi, ví dụ Bình</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Họ tên</translation>
        </message>
        <message>
            <source>R&amp;ole</source>
            <translation>Va&amp;i trò</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>Vai trò</translation>
        </message>
        <message>
            <source>P&amp;IN</source>
            <translation>Mã &amp;PIN</translation>
        </message>
        <message>
            <source>4 to 8 digits</source>
            <translation>4 đến 8 chữ số</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>Mã PIN</translation>
        </message>
        <message>
            <source>PIN a&amp;gain</source>
            <translation>Nhập lại &amp;mã PIN</translation>
        </message>
        <message>
            <source>the same digits once more</source>
            <translation>gõ lại đúng các chữ số đó</translation>
        </message>
        <message>
            <source>PIN again</source>
            <translation>Nhập lại mã PIN</translation>
        </message>
        <message>
            <source>Confirm the change</source>
            <translation>Xác nhận thay đổi</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>Hủy (Esc)</translation>
        </message>
        <message>
            <source>Close the form without changing anything</source>
            <translation>Đóng mẫu mà không thay đổi gì</translation>
        </message>
        <message>
            <source>Staff change</source>
            <translation>Thay đổi nhân viên</translation>
        </message>
        <message>
            <source>{name} ({code}) is added as {role}: they sign in with their code and PIN.</source>
            <translation>Đã thêm {name} ({code}) với vai trò {role}: người này đăng nhập bằng mã nhân viên và mã PIN.</translation>
        </message>
        <message>
            <source>Sign in as a manager to see and change the staff.</source>
            <translation>Hãy đăng nhập bằng tài khoản quản lý để xem và thay đổi nhân viên.</translation>
        </message>
        <message>
            <source>Cashier</source>
            <translation>Thu ngân</translation>
        </message>
        <message>
            <source>Manager</source>
            <translation>Quản lý</translation>
        </message>
        <message>
            <source>Deactivated</source>
            <translation>Ngừng hoạt động</translation>
        </message>
        <message>
            <source>Locked out (wrong PINs)</source>
            <translation>Bị khóa (sai mã PIN)</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>Mã</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Trạng thái</translation>
        </message>
        <message>
            <source>Last sign-in</source>
            <translation>Đăng nhập cuối</translation>
        </message>
        <message>
            <source>Only a manager can manage staff. Ask a manager to sign in.</source>
            <translation>Chỉ quản lý mới được quản lý nhân viên. Hãy nhờ quản lý đăng nhập.</translation>
        </message>
        <message>
            <source>Choose the person in the list first.</source>
            <translation>Hãy chọn người trong danh sách trước.</translation>
        </message>
        <message>
            <source>{name} ({code}) is deactivated: they can no longer sign in or approve.</source>
            <translation>{name} ({code}) đã ngừng hoạt động: người này không còn đăng nhập hay duyệt được nữa.</translation>
        </message>
        <message>
            <source>The PIN must be 4 to 8 digits.</source>
            <translation>Mã PIN phải gồm 4 đến 8 chữ số.</translation>
        </message>
        <message>
            <source>The two PINs differ. Type the PIN again in the second field.</source>
            <translation>Hai mã PIN không khớp. Hãy gõ lại mã PIN ở ô thứ hai.</translation>
        </message>
        <message>
            <source>R&amp;eactivate…</source>
            <translation>&amp;Kích hoạt lại…</translation>
        </message>
        <message>
            <source>Let the chosen person sign in again</source>
            <translation>Cho người đã chọn đăng nhập lại</translation>
        </message>
        <message>
            <source>&amp;Deactivate…</source>
            <translation>N&amp;gừng hoạt động…</translation>
        </message>
        <message>
            <source>Stop the chosen person from signing in</source>
            <translation>Không cho người đã chọn đăng nhập nữa</translation>
        </message>
        <message>
            <source>They sign in with this code and PIN. Give them the PIN in person; it is stored only as a hash.</source>
            <translation>Người này đăng nhập bằng mã và mã PIN này. Hãy đưa mã PIN tận tay; quầy chỉ lưu bản băm của nó.</translation>
        </message>
        <message>
            <source>Add (Enter)</source>
            <translation>Thêm (Enter)</translation>
        </message>
        <message>
            <source>Never</source>
            <translation>Chưa lần nào</translation>
        </message>
        <message>
            <source>Type the new person's staff code (2 to 8 digits).</source>
            <translation>Hãy gõ mã nhân viên của người mới (2 đến 8 chữ số).</translation>
        </message>
        <message>
            <source>Type the new person's name.</source>
            <translation>Hãy gõ tên của người mới.</translation>
        </message>
        <message>
            <source>{name} ({code}) is active again and can sign in.</source>
            <translation>{name} ({code}) đã hoạt động lại và có thể đăng nhập.</translation>
        </message>
        <message>
            <source>{name} ({code})</source>
            <translation>{name} ({code})</translation>
        </message>
        <message>
            <source>They can no longer sign in, approve, or approve with their staff card. What they recorded stays, and they can be reactivated later. Someone signed in now stays signed in until they sign out.</source>
            <translation>Người này sẽ không đăng nhập, không duyệt, kể cả bằng thẻ nhân viên được nữa. Những gì họ đã ghi vẫn giữ nguyên, và có thể kích hoạt lại sau. Nếu đang đăng nhập, họ vẫn đăng nhập cho đến khi đăng xuất.</translation>
        </message>
        <message>
            <source>Deactivate (Enter)</source>
            <translation>Ngừng hoạt động (Enter)</translation>
        </message>
        <message>
            <source>Nothing was changed.</source>
            <translation>Không có gì thay đổi.</translation>
        </message>
        <message>
            <source>{name} ({code}) has a new PIN: the old one no longer works.</source>
            <translation>{name} ({code}) đã có mã PIN mới: mã cũ không còn dùng được.</translation>
        </message>
        <message>
            <source>{name} ({code}) is now {role}, from their next sign-in.</source>
            <translation>{name} ({code}) giờ là {role}, từ lần đăng nhập tiếp theo.</translation>
        </message>
        <message>
            <source>They can sign in again with their code and their PIN.</source>
            <translation>Người này có thể đăng nhập lại bằng mã nhân viên và mã PIN của mình.</translation>
        </message>
        <message>
            <source>Reactivate (Enter)</source>
            <translation>Kích hoạt lại (Enter)</translation>
        </message>
        <message>
            <source>Deactivate {who}?</source>
            <translation>Ngừng hoạt động {who}?</translation>
        </message>
        <message>
            <source>The old PIN stops working at once and a lock-out after wrong PINs is lifted. The audit log records the reset, never the PIN.</source>
            <translation>Mã PIN cũ hết hiệu lực ngay, và việc khóa do nhập sai mã PIN được gỡ bỏ. Nhật ký kiểm toán ghi lại việc đặt lại, không bao giờ ghi mã PIN.</translation>
        </message>
        <message>
            <source>Set the new PIN (Enter)</source>
            <translation>Đặt mã PIN mới (Enter)</translation>
        </message>
        <message>
            <source>Change the role (Enter)</source>
            <translation>Đổi vai trò (Enter)</translation>
        </message>
        <message>
            <source>Reactivate {who}?</source>
            <translation>Kích hoạt lại {who}?</translation>
        </message>
        <message>
            <source>New PIN for {who}</source>
            <translation>Mã PIN mới cho {who}</translation>
        </message>
        <message>
            <source>Change the role of {who}</source>
            <translation>Đổi vai trò của {who}</translation>
        </message>
        <message>
            <source>{who} becomes {role} from their next sign-in; their approvals change at once.</source>
            <translation>{who} trở thành {role} từ lần đăng nhập tiếp theo; quyền duyệt thay đổi ngay.</translation>
        </message>
    </context>
    <context>
        <name>ProfileEditPanel</name>
        <message>
            <source>Nothing was changed.</source>
            <translation>Không có gì thay đổi.</translation>
        </message>
        <message>
            <source>Correct the profile</source>
            <translation>Sửa hồ sơ</translation>
        </message>
        <message>
            <source>Change what is wrong and press Enter. An empty phone number or e-mail address removes it. Esc closes without saving.</source>
            <translation>Sửa chỗ sai rồi nhấn Enter. Để trống số điện thoại hoặc e-mail thì thông tin đó bị xoá. Esc để đóng mà không lưu.</translation>
        </message>
        <message>
            <source>&amp;Name</source>
            <translation>Họ &amp;tên</translation>
        </message>
        <message>
            <source>&amp;Phone</source>
            <translation>&amp;Số điện thoại</translation>
        </message>
        <message>
            <source>&amp;E-mail</source>
            <translation>&amp;E-mail</translation>
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
            <source>Save (Enter)</source>
            <translation>Lưu (Enter)</translation>
        </message>
        <message>
            <source>Save the profile</source>
            <translation>Lưu hồ sơ</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>Huỷ (Esc)</translation>
        </message>
        <message>
            <source>Close without saving</source>
            <translation>Đóng mà không lưu</translation>
        </message>
        <message>
            <source>Nothing changed in the profile.</source>
            <translation>Hồ sơ không có gì thay đổi.</translation>
        </message>
        <message>
            <source>Profile saved for {name}.</source>
            <translation>Đã lưu hồ sơ của {name}.</translation>
        </message>
    </context>
</TS>
