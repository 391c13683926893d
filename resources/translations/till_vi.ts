<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
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
            <translation>Hội viên {member} đang ở trạng thái {status}, không thể tích hay dùng điểm.</translation>
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
            <translation>{action} đã ghi nhận {count} lần trong {period} này; giới hạn là {cap}.</translation>
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
        <name>SalePanel</name>
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
    </context>
</TS>
